using Bank.Customers.Contracts;
using Bank.Customers.Domain;

namespace Bank.Customers;

internal sealed class CustomerDirectory(IQuerySession session) : ICustomerDirectory
{
    public async Task<bool> ExistsAsync(Guid customerId, CancellationToken cancellationToken) =>
        await session.LoadAsync<Customer>(customerId, cancellationToken) is not null;
}
