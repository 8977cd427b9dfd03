using MassTransit;

namespace Bank.BuildingBlocks.Consumers;

/// <summary>
/// What a consumer knows of the event it handles, whichever way it was delivered: the stream and its
/// version make query models idempotent (apply only what is newer than what they have).
/// </summary>
public sealed record EventMetadata(Guid EventId, Guid StreamId, long StreamVersion, long GlobalPosition, DateTimeOffset Timestamp);

public static class EventMetadataExtensions
{
    /// <summary>The metadata of the event being consumed, read once when the event was received.</summary>
    public static EventMetadata GetEventMetadata(this ConsumeContext context) =>
        context.TryGetPayload(out EventMetadata? metadata)
            ? metadata
            : throw new InvalidOperationException("The message carries no event metadata; module consumers receive events through the module's event handler.");
}
