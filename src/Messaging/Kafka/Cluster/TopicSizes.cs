using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>How many partitions each event topic has, and how many messages were ever written to each.</summary>
internal sealed class TopicSizes(ClusterAdmin admin, IOptions<KafkaOptions> options, EventTypeRegistry eventTypes, ILogger<TopicSizes> logger)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public async Task<Dictionary<string, int>> PartitionCountsAsync(CancellationToken cancellationToken) =>
        (await admin.ReadAsync(
            client => Task.FromResult<Dictionary<string, int>?>(eventTypes.AggregateTypes.Select(options.Value.TopicFor).ToDictionary(
                topic => topic,
                topic => client.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count,
                StringComparer.Ordinal)),
            cancellationToken))!;

    /// <summary>Messages ever written to each partition of the event topics (high watermarks), or null when Kafka cannot be asked.</summary>
    public Task<Dictionary<TopicPartition, long>?> ReadAsync(CancellationToken cancellationToken) =>
        admin.ReadAsync(ReadAsync, cancellationToken);

    private async Task<Dictionary<TopicPartition, long>?> ReadAsync(IAdminClient client)
    {
        try
        {
            var partitions = new List<TopicPartition>();
            foreach (var topic in eventTypes.AggregateTypes.Select(options.Value.TopicFor))
            {
                var metadata = client.GetMetadata(topic, RequestTimeout).Topics.Single();
                partitions.AddRange((metadata.Error.IsError ? [] : metadata.Partitions).Select(p => new TopicPartition(topic, p.PartitionId)));
            }

            if (partitions.Count == 0)
            {
                return [];
            }

            var ends = await client.ListOffsetsAsync(
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
}
