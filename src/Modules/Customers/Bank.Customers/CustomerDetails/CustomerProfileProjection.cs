using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.QueryModels;
using Bank.Customers.Contracts;
using MassTransit;

namespace Bank.Customers.CustomerDetails;

internal sealed class CustomerProfileProjection(QueryModelBatch views) : IConsumer<CustomerCreated>
{
    public Task Consume(ConsumeContext<CustomerCreated> context) =>
        views.ApplyAsync<CustomerProfile>(context, context.Message.CustomerId, (_, version) =>
        {
            var created = context.Message;
            return new CustomerProfile(
                created.CustomerId, created.FirstName, created.LastName, created.Email, context.GetEventMetadata().Timestamp)
            {
                Version = version,
            };
        });
}
