using Bank.BuildingBlocks.EventSourcing;

namespace Bank.BuildingBlocks.Broadcasting;

/// <summary>A committed event on its way out of the event store, with what every transport needs to describe it.</summary>
public sealed record BroadcastEvent(
    RegisteredEventType Type,
    object Data,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    long GlobalPosition,
    DateTimeOffset Timestamp,
    string? TraceParent);

/// <summary>Publishes pages of committed events to the modules (over Kafka, or in memory).</summary>
public interface IEventBroadcaster
{
    /// <summary>Returns once every event of the page is acknowledged by the transport; throws if any is not.</summary>
    Task PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken);
}
