namespace Bank.Messaging.Kafka.Parking;

/// <summary>A parked key: how many of its messages wait, and the first one, which failed (<see cref="ParkedAt"/>: when).</summary>
public sealed record ParkedKey(
    string Group, string Topic, string Key, int Count, long? FirstStreamVersion, Guid? FirstEventId, string Error, DateTimeOffset ParkedAt);
