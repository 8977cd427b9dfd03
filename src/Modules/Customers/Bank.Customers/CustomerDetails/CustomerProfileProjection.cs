using Bank.BuildingBlocks.Messaging;
using Bank.BuildingBlocks.Projections;
using Bank.Customers.Contracts;
using Marten;
using MassTransit;

namespace Bank.Customers.CustomerDetails;

internal sealed class CustomerProfileProjection(IDocumentSession session) : IConsumer<CustomerCreated>
{
    public Task Consume(ConsumeContext<CustomerCreated> context) =>
        session.ApplyAsync<CustomerProfile>(context, context.Message.CustomerId, (_, version) =>
        {
            var created = context.Message;
            return new CustomerProfile(
                created.CustomerId, created.FirstName, created.LastName, created.Email, context.GetEventMetadata().Timestamp)
            {
                Version = version,
            };
        });
}
