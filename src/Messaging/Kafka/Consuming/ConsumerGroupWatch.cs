using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Reads, every two seconds, each module group's committed offsets and the ends of their partitions from the
/// cluster, so that lag and stalls show for every partition, including those of a member that died: no member
/// reports on partitions it does not hold. <c>/health</c> and <c>/metrics</c> answer from what was last read. While
/// every group had finished every partition at the last reading and no event was appended since, nothing read here can
/// have changed but whether the cluster answers, and that is read only every <see cref="QuietInterval"/>: each reading
/// is four requests to the cluster, which an idle host would otherwise pay for every two seconds.
/// </summary>
internal sealed class ConsumerGroupWatch(
    KafkaCluster cluster,
    ClusterAdmin admin,
    ConsumerGroups groups,
    ConsumerGroupState state,
    AppendSignal appended,
    MessagingMetrics metrics,
    ILogger<ConsumerGroupWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(10);
    // Reachability answers fast; reading offsets may take longer on a loaded cluster.
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private bool _failing;

    // The appends heard before the last reading that found every group finished; null after any other reading.
    private long? _finishedAtAppends;
    private long _lastRead;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            await cluster.TopicsReady.WaitAsync(stoppingToken);
            do
            {
                if (_finishedAtAppends == appended.Count && Environment.TickCount64 - _lastRead < QuietInterval.TotalMilliseconds)
                {
                    continue;
                }

                var appendsBefore = appended.Count;
                _lastRead = Environment.TickCount64;
                var finished = await admin.ReadAsync(ObserveAsync, stoppingToken);
                _finishedAtAppends = finished == true ? appendsBefore : null;
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Whether every group had finished every partition; null when the cluster could not be read.</summary>
    private async Task<bool?> ObserveAsync(IAdminClient client)
    {
        try
        {
            var metadata = await Task.Run(() => client.GetMetadata(MetadataTimeout));
            var partitionsOf = metadata.Topics
                .Where(t => !t.Error.IsError)
                .ToDictionary(t => t.Topic, t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)).ToList());
            var watched = groups.All.SelectMany(g => g.Topics).Distinct().Where(partitionsOf.ContainsKey).SelectMany(t => partitionsOf[t]).ToList();
            if (metadata.Brokers.Count == 0 || watched.Count == 0)
            {
                Failed("no broker or none of the topics is known yet");
                return null;
            }

            var ends = (await client.ListOffsetsAsync(
                    watched.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = OffsetSpec.Latest() }),
                    new ListOffsetsOptions { RequestTimeout = RequestTimeout }))
                .ResultInfos.ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
            var finished = true;
            foreach (var group in groups.All)
            {
                var partitions = group.Topics.Where(partitionsOf.ContainsKey).SelectMany(t => partitionsOf[t]).ToList();
                var committed = (await client.ListConsumerGroupOffsetsAsync(
                        [new ConsumerGroupTopicPartitions(group.Group, partitions)],
                        new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout }))
                    .Single().Partitions;
                var observed = committed
                    .Where(c => ends.ContainsKey(c.TopicPartition))
                    .Select(c => (c.Topic, c.Partition.Value, Committed: c.Offset.Value, End: ends[c.TopicPartition]))
                    .ToList();
                state.Observed(group.Group, observed);
                var lag = observed.ToDictionary(p => (p.Topic, p.Value), p => Math.Max(0, p.End - Math.Max(p.Committed, 0)));
                metrics.ConsumerLag(group.Group, lag);
                finished &= lag.Values.All(waiting => waiting == 0);
            }

            if (_failing)
            {
                _failing = false;
                logger.LogInformation("Kafka is reachable again: consumer groups are watched");
            }

            return finished;
        }
        catch (KafkaException e)
        {
            Failed(e.Error.Reason);
            return null;
        }
    }

    private void Failed(string reason)
    {
        // Logged when it starts failing, not every two seconds after.
        if (!_failing)
        {
            _failing = true;
            logger.LogWarning("Cannot read the consumer groups' offsets from Kafka: {Reason}", reason);
        }

        state.ObservationFailed(reason);
    }
}
