using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Relay;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// Notices a broker that lost its contents (its topics hold nothing although events were relayed, or they shrank) and
/// publishes again, from the event store, what some consumer group has not finished (<see cref="UnfinishedEvents"/>).
/// After a clean stop with every group caught up that is nothing, and after
/// a crash the unfinished tail: never the history. Runs inside the relay's pass, so only the instance that holds the
/// relay's leadership decides, and the refill comes before anything newer.
/// </summary>
internal sealed class BrokerLossRefill(
    TopicSizes topicSizes,
    UnfinishedEvents unfinishedEvents,
    IEventBroadcaster broadcaster,
    Consuming.ConsumerGroupState kafka,
    RelayedOffsets offsets,
    RelayStatus status,
    MessagingMetrics metrics,
    ILogger<BrokerLossRefill> logger) : IBrokerLossRefill
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    private Dictionary<TopicPartition, long>? _lastSizes;
    private DateTime _nextCheck = DateTime.MinValue;

    public async Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken)
    {
        var wentBack = offsets.WentBack;
        // Reading sizes from a broker that is away blocks for seconds, and a stop with it: idle looks wait for its return.
        if (!wentBack && (DateTime.UtcNow < _nextCheck || (idle && kafka.Unreachable is not null)))
        {
            return;
        }

        _nextCheck = DateTime.UtcNow + CheckInterval;
        var sizes = await Task.Run(() => topicSizes.ReadAsync(cancellationToken), cancellationToken);
        if (sizes is null && !wentBack)
        {
            // Unreadable now: the very next call looks again, so that a broker back from a restart is looked at
            // before anything new is published to it.
            _nextCheck = DateTime.MinValue;
            return;
        }

        var lost = wentBack || offsets.AnyBehind(sizes!) || (_lastSizes is null
            ? relayedUpTo > 0 && sizes!.Values.Sum() == 0
            : sizes!.Any(size => _lastSizes.TryGetValue(size.Key, out var last) && size.Value < last));
        if (lost)
        {
            await RefillAsync(session, relayedUpTo, cancellationToken);
            offsets.Refilled();
            sizes = await Task.Run(() => topicSizes.ReadAsync(cancellationToken), cancellationToken) ?? sizes;
        }

        if (sizes is not null)
        {
            _lastSizes = sizes;
        }
    }

    private async Task RefillAsync(IQuerySession session, long relayedUpTo, CancellationToken cancellationToken)
    {
        var partitionCounts = await Task.Run(() => topicSizes.PartitionCountsAsync(cancellationToken), cancellationToken);
        var unfinished = await unfinishedEvents.PartitionsAsync(session, relayedUpTo, partitionCounts, cancellationToken);
        if (unfinished.Count == 0)
        {
            logger.LogWarning(
                "Kafka lost messages relayed up to position {Relayed} (a memory-only broker restarted?); every consumer group had " +
                "finished them: nothing to send again",
                relayedUpTo);
            return;
        }

        logger.LogWarning(
            "Kafka lost messages relayed up to position {Relayed} (a memory-only broker restarted?); sending again what consumer " +
            "groups had not finished on {Partitions}",
            relayedUpTo,
            string.Join(", ", unfinished.Select(p => $"{p.Key.Topic}[{p.Key.Partition}] after position {p.Value}")));
        var sent = 0L;
        status.Refilling(sent);
        try
        {
            await foreach (var again in unfinishedEvents.PagesAsync(session, unfinished, relayedUpTo, partitionCounts, cancellationToken))
            {
                await broadcaster.PublishAsync(again, cancellationToken);
                sent += again.Count;
                metrics.SentAgain(again.Count);
                status.Refilling(sent);
            }
        }
        finally
        {
            status.Refilled();
        }

        logger.LogInformation("Sent {Count} event(s) again that consumer groups had not finished", sent);
    }
}
