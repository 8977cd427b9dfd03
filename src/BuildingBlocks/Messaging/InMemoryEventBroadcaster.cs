using System.Globalization;
using Bank.BuildingBlocks.Broadcasting;
using Bank.BuildingBlocks.Kafka;
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
                    context.Headers.Set(KafkaHeaderNames.MessageType, e.Type.Name);
                    context.Headers.Set(KafkaHeaderNames.EventId, e.EventId.ToString("D"));
                    context.Headers.Set(KafkaHeaderNames.StreamVersion, e.StreamVersion.ToString(CultureInfo.InvariantCulture));
                    context.Headers.Set(KafkaHeaderNames.GlobalPosition, e.GlobalPosition.ToString(CultureInfo.InvariantCulture));
                    context.Headers.Set(KafkaHeaderNames.Timestamp, e.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                }),
                cancellationToken);
        }
    }
}
