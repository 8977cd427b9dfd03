using System.Globalization;
using Bank.BuildingBlocks.Kafka;
using MassTransit;

namespace Bank.BuildingBlocks.Messaging;

/// <summary>
/// What a consumer knows of the event it handles, whichever transport delivered it: the stream
/// version makes projections idempotent (apply only what is newer than what they have).
/// </summary>
public sealed record EventMetadata(Guid EventId, long StreamVersion, long GlobalPosition, DateTimeOffset Timestamp);

public static class EventMetadataExtensions
{
    public static EventMetadata GetEventMetadata(this ConsumeContext context) =>
        new(
            Guid.Parse(Header(context, KafkaHeaderNames.EventId)),
            long.Parse(Header(context, KafkaHeaderNames.StreamVersion), CultureInfo.InvariantCulture),
            long.Parse(Header(context, KafkaHeaderNames.GlobalPosition), CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(Header(context, KafkaHeaderNames.Timestamp), CultureInfo.InvariantCulture));

    /// <summary>The Kafka coordinates of the message being consumed, or null when it did not come over Kafka.</summary>
    public static KafkaMessageInfo? GetKafkaMessageInfo(this ConsumeContext context) =>
        context.TryGetPayload(out KafkaMessageInfo? info) ? info : null;

    private static string Header(ConsumeContext context, string name) =>
        context.Headers.Get<string>(name)
        ?? throw new InvalidOperationException($"The message has no '{name}' header; events are broadcast with it.");
}
