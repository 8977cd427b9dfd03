namespace Bank.BuildingBlocks.Consumers;

/// <summary>
/// What a consumer knows of the event it handles, whichever way it was delivered: the stream and its
/// version make query models idempotent (apply only what is newer than what they have).
/// </summary>
public sealed record EventMetadata(Guid EventId, Guid StreamId, long StreamVersion, long GlobalPosition, DateTimeOffset Timestamp);
