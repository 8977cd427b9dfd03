using Bank.BuildingBlocks.Projections;
using Bank.Customers.Contracts;
using Marten;
using MassTransit;

namespace Bank.Accounts.AccountDetails;

internal sealed class AccountOwnerProjection(IDocumentSession session) : IConsumer<CustomerCreated>
{
    public Task Consume(ConsumeContext<CustomerCreated> context) =>
        session.ApplyAsync<AccountOwner>(context, context.Message.CustomerId, (_, version) =>
            new AccountOwner(context.Message.CustomerId, context.Message.FirstName, context.Message.LastName, context.Message.Email)
            {
                Version = version,
            });
}
