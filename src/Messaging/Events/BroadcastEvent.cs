using System.Text.Json;
using JasperFx.Events;

namespace Bank.Messaging.Events;

/// <summary>A committed event on its way out of the event store, with what every transport needs to describe it.</summary>
internal sealed record BroadcastEvent(
    RegisteredEventType Type,
    object Data,
    Guid EventId,
    Guid StreamId,
    long StreamVersion,
    long GlobalPosition,
    DateTimeOffset Timestamp,
    string? TraceParent)
{
    /// <summary>
    /// A stored event as it is broadcast, or null for Marten's own bookkeeping events (tombstones). An event stored as an
    /// older version was read as the current one (<see cref="EventTypeRegistry.ReadAsCurrent"/>), and is sent as it.
    /// </summary>
    public static BroadcastEvent? From(IEvent stored, EventTypeRegistry eventTypes) =>
        eventTypes.TryGetStored(stored.EventTypeName, out var type, out _)
            ? new BroadcastEvent(
                type,
                stored.Data,
                stored.Id,
                stored.StreamId,
                stored.Version,
                stored.Sequence,
                stored.Timestamp,
                stored.Headers?.TryGetValue(EventTraceContext.HeaderName, out var traceParent) == true ? traceParent?.ToString() : null)
            : null;

    /// <summary>The event's data as camelCase JSON: the value of its Kafka message.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(Data, Type.ClrType, JsonSerializerOptions.Web);
}
