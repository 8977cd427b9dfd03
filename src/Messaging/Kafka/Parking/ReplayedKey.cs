namespace Bank.Messaging.Kafka.Parking;

/// <summary>What re-driving a key came to: how many of its messages were handled, and whether it is still parked (and why).</summary>
public sealed record ReplayedKey(string Group, string Topic, string Key, int Handled, int StillParked, string? Error);
