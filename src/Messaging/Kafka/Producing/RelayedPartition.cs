namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// The global position of the last event the relay sent to one partition of an event topic, committed with the relay's
/// progress. After a broker lost its contents, a partition is sent again only where a consumer group finished less of it
/// than this (<see cref="BrokerLossRefill"/>): a quiet partition whose groups finished it costs nothing.
/// </summary>
internal sealed record RelayedPartition(string Id, string Topic, int Partition, long GlobalPosition)
{
    /// <summary>
    /// The record that says the others are complete: every partition relayed to has one. Written once they were read from
    /// the store; until then only the partitions relayed to since the records were first kept have one.
    /// </summary>
    public const string CompleteId = "*";

    public static string IdOf(string topic, int partition) => $"{topic}/{partition}";
}
