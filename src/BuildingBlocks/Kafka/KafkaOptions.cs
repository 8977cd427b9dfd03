namespace Bank.BuildingBlocks.Kafka;

/// <summary>The <c>Kafka</c> configuration section.</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>The cluster to use; empty starts the embedded, memory-only broker.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Partitions of the topics the host creates.</summary>
    public int Partitions { get; set; } = 6;

    /// <summary>Replication factor of the topics the host creates.</summary>
    public short ReplicationFactor { get; set; } = 1;

    /// <summary>Topics are named <c>{TopicPrefix}{AggregateType}</c>: <c>events_Customer</c>, <c>events_Account</c>.</summary>
    public string TopicPrefix { get; set; } = "events_";

    /// <summary>Any librdkafka client property (security.protocol, sasl.*, ssl.*, ...), passed to every client as is.</summary>
    public Dictionary<string, string> Client { get; set; } = [];

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(BootstrapServers);

    public string TopicFor(string aggregateType) => TopicPrefix + aggregateType;
}
