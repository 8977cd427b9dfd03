using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>How many partitions each event topic has, and how many messages were ever written to each.</summary>
internal sealed class TopicSizes(KafkaCluster cluster, IOptions<KafkaOptions> options, EventTypeRegistry eventTypes, ILogger<TopicSizes> logger)
    : IDisposable
{
    // One admin client and one probe for the host's lifetime: they reconnect by themselves.
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties())).SetLogHandler((_, _) => { }).Build());

    private readonly Lazy<IConsumer<Ignore, Ignore>> _probe = new(() =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(cluster.ClientProperties()) { GroupId = "bank-size-probe" })
            .SetLogHandler((_, _) => { })
            .Build());

    public Dictionary<string, int> PartitionCounts() =>
        eventTypes.AggregateTypes.Select(options.Value.TopicFor).ToDictionary(
            topic => topic,
            topic => _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count,
            StringComparer.Ordinal);

    /// <summary>Messages ever written to each partition of the event topics (high watermarks), or null when Kafka cannot be asked.</summary>
    public Dictionary<TopicPartition, long>? Read()
    {
        try
        {
            var sizes = new Dictionary<TopicPartition, long>();
            foreach (var topic in eventTypes.AggregateTypes.Select(options.Value.TopicFor))
            {
                var metadata = _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
                foreach (var partition in metadata.Error.IsError ? [] : metadata.Partitions)
                {
                    var topicPartition = new TopicPartition(topic, partition.PartitionId);
                    sizes[topicPartition] = _probe.Value.QueryWatermarkOffsets(topicPartition, TimeSpan.FromSeconds(5)).High.Value;
                }
            }

            return sizes;
        }
        catch (KafkaException e)
        {
            logger.LogDebug("Could not read the sizes of the Kafka topics: {Reason}", e.Error.Reason);
            return null;
        }
    }

    public void Dispose()
    {
        if (_probe.IsValueCreated)
        {
            _probe.Value.Dispose();
        }

        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
