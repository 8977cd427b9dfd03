using MassTransit;

namespace Bank.BuildingBlocks.Consumers;

public static class EventMetadataExtensions
{
    /// <summary>The metadata of the event being consumed, read once when the event was received.</summary>
    public static EventMetadata GetEventMetadata(this ConsumeContext context) =>
        context.TryGetPayload(out EventMetadata? metadata)
            ? metadata
            : throw new InvalidOperationException("The message carries no event metadata; module consumers receive events through the module's event handler.");
}
