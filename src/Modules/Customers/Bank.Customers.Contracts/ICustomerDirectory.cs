namespace Bank.Customers.Contracts;

/// <summary>What other modules may ask the Customers module directly.</summary>
public interface ICustomerDirectory
{
    Task<bool> ExistsAsync(Guid customerId, CancellationToken cancellationToken);
}
