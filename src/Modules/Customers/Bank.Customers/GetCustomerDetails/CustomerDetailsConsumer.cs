using Bank.BuildingBlocks.Consumers;
using Bank.Customers.Contracts;
using MassTransit;

namespace Bank.Customers.GetCustomerDetails;

internal sealed class CustomerDetailsConsumer(QueryModelBatch views) : IConsumer<CustomerCreated>
{
    public Task Consume(ConsumeContext<CustomerCreated> context) =>
        views.ApplyAsync<CustomerDetails>(context, context.Message.CustomerId, (_, version) =>
        {
            var created = context.Message;
            return new CustomerDetails(
                created.CustomerId, created.FirstName, created.LastName, created.Email, context.GetEventMetadata().Timestamp)
            {
                Version = version,
            };
        });
}
