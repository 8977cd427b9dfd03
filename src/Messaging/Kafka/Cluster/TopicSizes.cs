using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>How many partitions each event topic has, and how many messages were ever written to each.</summary>
internal sealed class TopicSizes(KafkaCluster cluster, IOptions<KafkaOptions> options, EventTypeRegistry eventTypes, ILogger<TopicSizes> logger)
    : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // One admin client for the host's lifetime: it reconnects by itself.
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties())).SetLogHandler((_, _) => { }).Build());

    public Dictionary<string, int> PartitionCounts() =>
        eventTypes.AggregateTypes.Select(options.Value.TopicFor).ToDictionary(
            topic => topic,
            topic => _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count,
            StringComparer.Ordinal);

    /// <summary>Messages ever written to each partition of the event topics (high watermarks), or null when Kafka cannot be asked.</summary>
    public async Task<Dictionary<TopicPartition, long>?> ReadAsync()
    {
        try
        {
            var partitions = new List<TopicPartition>();
            foreach (var topic in eventTypes.AggregateTypes.Select(options.Value.TopicFor))
            {
                var metadata = _admin.Value.GetMetadata(topic, RequestTimeout).Topics.Single();
                partitions.AddRange((metadata.Error.IsError ? [] : metadata.Partitions).Select(p => new TopicPartition(topic, p.PartitionId)));
            }

            if (partitions.Count == 0)
            {
                return [];
            }

            var ends = await _admin.Value.ListOffsetsAsync(
                partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }),
                new ListOffsetsOptions { RequestTimeout = RequestTimeout });
            return ends.ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
        }
        catch (KafkaException e)
        {
            logger.LogDebug("Could not read the sizes of the Kafka topics: {Reason}", e.Error.Reason);
            return null;
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
