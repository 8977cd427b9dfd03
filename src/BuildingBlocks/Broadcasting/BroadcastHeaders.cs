using System.Globalization;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Kafka;
using JasperFx.Events;

namespace Bank.BuildingBlocks.Broadcasting;

public static class BroadcastHeaders
{
    /// <summary>A stored event as it is broadcast, or null for Marten's own bookkeeping events (tombstones).</summary>
    public static BroadcastEvent? ToBroadcast(this IEvent e, EventTypeRegistry eventTypes) =>
        eventTypes.TryGet(e.EventTypeName, out var type)
            ? new BroadcastEvent(
                type,
                e.Data,
                e.Id,
                e.StreamId,
                e.Version,
                e.Sequence,
                e.Timestamp,
                e.Headers?.TryGetValue(TraceHeaders.TraceParent, out var traceParent) == true ? traceParent?.ToString() : null)
            : null;

    /// <summary>The headers every transport gives an event: the integration contract of the topics.</summary>
    public static Dictionary<string, string> Headers(this BroadcastEvent e)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KafkaHeaderNames.MessageType] = e.Type.Name,
            [KafkaHeaderNames.EventId] = e.EventId.ToString("D"),
            [KafkaHeaderNames.StreamVersion] = e.StreamVersion.ToString(CultureInfo.InvariantCulture),
            [KafkaHeaderNames.GlobalPosition] = e.GlobalPosition.ToString(CultureInfo.InvariantCulture),
            [KafkaHeaderNames.Timestamp] = e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            [KafkaHeaderNames.ContentType] = "application/json",
        };
        if (e.TraceParent is not null)
        {
            headers[KafkaHeaderNames.TraceParent] = e.TraceParent;
        }

        return headers;
    }
}
