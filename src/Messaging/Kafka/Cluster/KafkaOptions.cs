using System.Globalization;
using Bank.BuildingBlocks.Settings;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>The <c>Kafka</c> configuration section.</summary>
public sealed class KafkaOptions : ISettings<KafkaOptions>
{
    public static string SectionName => "Kafka";

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

    /// <summary>librdkafka properties for the module consumers only (session.timeout.ms, ...).</summary>
    public Dictionary<string, string> Consumer { get; set; } = [];

    /// <summary>
    /// Whether module consumers check each batch against the event store (one query per batch) and take the stored
    /// payload. Turn it off only where ACLs let nobody but the bank's hosts produce to the topics, or to measure its cost.
    /// </summary>
    public bool CheckEventsAgainstStore { get; set; } = true;

    /// <summary>
    /// How often a consumer group member that paused its partitions while idle fetches anyway. It wakes at once for an
    /// append notification; this only bounds the wait for events whose notification was lost.
    /// </summary>
    public TimeSpan IdleLookInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consumer group of each module, by module name; the module's name when absent.</summary>
    public Dictionary<string, string> ConsumerGroups { get; set; } = [];

    public string GroupOf(string module) => ConsumerGroups.GetValueOrDefault(module) is { Length: > 0 } group ? group : module;

    public string DeadLetterTopicFor(string topic) => topic + ".dlt";

    public bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(BootstrapServers);

    public string TopicFor(string aggregateType) => TopicPrefix + aggregateType;

    public IEnumerable<string> Problems()
    {
        if (Partitions <= 0)
        {
            yield return SettingSections.Problem(SectionName, nameof(Partitions), Partitions, "must be a positive number.");
        }

        if (ReplicationFactor <= 0)
        {
            yield return SettingSections.Problem(SectionName, nameof(ReplicationFactor), ReplicationFactor, "must be a positive number.");
        }

        if (string.IsNullOrWhiteSpace(TopicPrefix))
        {
            yield return SettingSections.Problem(SectionName, nameof(TopicPrefix), TopicPrefix, "must not be empty.");
        }

        if (IdleLookInterval <= TimeSpan.Zero)
        {
            yield return SettingSections.Problem(
                SectionName, nameof(IdleLookInterval), IdleLookInterval.ToString("c", CultureInfo.InvariantCulture), "must be more than 0.");
        }
    }
}
