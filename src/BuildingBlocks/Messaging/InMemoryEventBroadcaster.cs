using Bank.BuildingBlocks.Broadcasting;
using MassTransit;

namespace Bank.BuildingBlocks.Messaging;

/// <summary>
/// Publishes committed events on MassTransit's in-memory bus, where each module's endpoint receives
/// every event as its consumer group would: the whole host runs without Kafka. Same headers as on Kafka.
/// </summary>
public sealed class InMemoryEventBroadcaster(IBus bus) : IEventBroadcaster
{
    public async Task PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken)
    {
        foreach (var e in page)
        {
            await bus.Publish(
                e.Data,
                e.Type.ClrType,
                Pipe.Execute<PublishContext>(context =>
                {
                    context.MessageId = e.EventId;
                    foreach (var (name, value) in e.Headers())
                    {
                        context.Headers.Set(name, value);
                    }
                }),
                cancellationToken);
        }
    }
}
