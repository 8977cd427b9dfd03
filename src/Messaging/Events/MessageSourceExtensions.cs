using MassTransit;

namespace Bank.Messaging.Events;

internal static class MessageSourceExtensions
{
    /// <summary>The Kafka coordinates of the event being consumed, or null when it did not come over Kafka.</summary>
    public static MessageSource? GetMessageSource(this ConsumeContext context) =>
        context.TryGetPayload(out MessageSource? source) ? source : null;
}
