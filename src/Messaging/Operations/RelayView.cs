namespace Bank.Messaging.Operations;

/// <summary>
/// The relay as last read (once a second): the store's newest position, the last one Kafka acknowledged, the events
/// between them and how long the oldest has waited; <see cref="Problem"/> says what is wrong, if anything. Positions
/// are null before the first reading.
/// </summary>
public sealed record RelayView(long? HighWaterMark, long? Relayed, long? Backlog, TimeSpan? OldestWaiting, string? Problem);
