namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// One partition of a consumer group: its committed offset (null when the group never committed one), the partition's
/// end, the messages between them, and how long the oldest of them has waited (to within the two seconds between
/// readings). <see cref="Stalled"/>: messages wait and the committed offset has not moved for a while.
/// </summary>
public sealed record PartitionLagView(string Group, string Topic, int Partition, long? Committed, long End, long Lag, TimeSpan LagTime, bool Stalled);
