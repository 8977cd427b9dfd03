using MassTransit;

namespace Bank.Messaging.Events;

/// <summary>Where a Kafka message came from; a consumer reads it with <c>context.GetMessageSource()</c>.</summary>
internal sealed record MessageSource(string Topic, int Partition, long Offset, string? Key);

internal static class MessageSourceExtensions
{
    /// <summary>The Kafka coordinates of the event being consumed, or null when it did not come over Kafka.</summary>
    public static MessageSource? GetMessageSource(this ConsumeContext context) =>
        context.TryGetPayload(out MessageSource? source) ? source : null;
}
