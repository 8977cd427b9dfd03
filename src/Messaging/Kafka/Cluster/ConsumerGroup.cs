namespace Bank.Messaging.Kafka.Cluster;

/// <summary>One module's consumer group and the topics of the events its consumers handle.</summary>
internal sealed record ConsumerGroup(string Module, string Group, IReadOnlyList<string> Topics);
