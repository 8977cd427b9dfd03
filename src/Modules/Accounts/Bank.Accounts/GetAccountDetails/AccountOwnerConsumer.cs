using Bank.Customers.Contracts;
using MassTransit;

namespace Bank.Accounts.GetAccountDetails;

internal sealed class AccountOwnerConsumer(QueryModelBatch views) : IConsumer<CustomerCreated>
{
    public Task Consume(ConsumeContext<CustomerCreated> context) =>
        views.ApplyAsync<AccountOwner>(context, context.Message.CustomerId, (_, version) =>
            new AccountOwner(context.Message.CustomerId, context.Message.FirstName, context.Message.LastName, context.Message.Email)
            {
                Version = version,
            });
}
