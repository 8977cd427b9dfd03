using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// How far a consumer group finished each partition. The offset after each partition's finished prefix is committed
/// within <see cref="CommitInterval"/> of finishing, so that a partition handed over later is started right after what
/// finished here: a cluster may refuse a commit made while its group rebalances (the embedded broker does), so the
/// hand-over's own commit cannot be relied on. The global position of the last finished event of each partition is kept
/// in PostgreSQL too (<see cref="ConsumerPosition"/>), from where a broker that lost its contents is refilled. Used by the
/// batch loop, and by the rebalance callback while the batch loop waits (<see cref="PartitionOwnership"/>).
/// </summary>
internal sealed class PartitionProgress(IConsumer<string, byte[]> consumer, GroupMember member, IDocumentStore store)
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RecordInterval = TimeSpan.FromSeconds(1);

    // Also touched by a hand-over that waited longer than it may for the batch loop.
    private readonly ConcurrentDictionary<TopicPartition, Offset> _uncommitted = new();
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly HashSet<TopicPartition> _unrecorded = [];
    private DateTime _nextCommit = DateTime.MinValue;
    private DateTime _nextRecord = DateTime.UtcNow + RecordInterval;

    /// <summary>
    /// Moves each partition of <paramref name="batch"/> past its messages in <paramref name="finished"/> that follow one
    /// another from its first. The offset of a message in <paramref name="fetchedBeforeConnectionLost"/> is not committed:
    /// the broker that answers now may hold another log, in which it means nothing.
    /// </summary>
    public void Finished(
        IReadOnlyList<ConsumeResult<string, byte[]>> batch,
        IReadOnlySet<ConsumeResult<string, byte[]>> finished,
        IReadOnlySet<ConsumeResult<string, byte[]>> fetchedBeforeConnectionLost)
    {
        foreach (var partition in batch.GroupBy(m => m.TopicPartition))
        {
            var prefix = partition.OrderBy(m => m.Offset.Value).TakeWhile(finished.Contains).ToList();
            if (prefix.Count == 0)
            {
                continue;
            }

            if (!fetchedBeforeConnectionLost.Contains(prefix[^1]))
            {
                _uncommitted[partition.Key] = prefix[^1].Offset + 1;
            }

            if (prefix.Select(KafkaEventReader.PositionOf).LastOrDefault(p => p is not null) is { } position)
            {
                _positions[partition.Key] = position;
                _unrecorded.Add(partition.Key);
            }
        }
    }

    /// <summary>The partition was caught up from the event store up to <paramref name="position"/>.</summary>
    public void CaughtUp(TopicPartition partition, long position)
    {
        if (_positions.GetValueOrDefault(partition) < position)
        {
            _positions[partition] = position;
            _unrecorded.Add(partition);
        }
    }

    /// <summary>How long until something finished is due to be committed or recorded, or null when nothing is.</summary>
    public TimeSpan? UntilDue
    {
        get
        {
            var due = new[] { _uncommitted.Count > 0 ? _nextCommit : DateTime.MaxValue, _unrecorded.Count > 0 ? _nextRecord : DateTime.MaxValue }.Min();
            return due == DateTime.MaxValue ? null : (due - DateTime.UtcNow) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        }
    }

    /// <summary>Commits and records what finished, each at most as often as it is due unless <paramref name="now"/> is set.</summary>
    public async Task SaveAsync(bool now, CancellationToken cancellationToken)
    {
        if (_uncommitted.Count > 0 && (now || DateTime.UtcNow >= _nextCommit))
        {
            _nextCommit = DateTime.UtcNow + CommitInterval;
            Commit(_uncommitted.Keys.ToList());
        }

        await RecordPositionsAsync(now, cancellationToken);
    }

    /// <summary>
    /// Commits what finished on partitions being handed over, before their new owner starts (from the rebalance callback).
    /// Tried once: from here on the offsets are the new owner's, and a later retry could move them back under it.
    /// </summary>
    public void HandOver(IEnumerable<TopicPartition> partitions)
    {
        var handedOver = partitions.ToList();
        if (!Commit(handedOver))
        {
            member.Logger.LogWarning(
                "Consumer group {Group} could not commit {Partitions} as it handed them over: their new owner handles again what " +
                "finished here since the last commit",
                member.Group,
                string.Join(", ", handedOver));
        }

        Lost(handedOver);
    }

    /// <summary>
    /// The connection to the cluster was lost (from the error callback): every offset not committed yet was read over
    /// it and is forgotten (<see cref="Finished"/>).
    /// </summary>
    public void ConnectionLost() => _uncommitted.Clear();

    /// <summary>Forgets partitions lost without a hand-over: nothing can be committed for them any more.</summary>
    public void Lost(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _uncommitted.TryRemove(partition, out _);
        }
    }

    /// <summary>Commits what finished on <paramref name="partitions"/>; false when the cluster refused it.</summary>
    private bool Commit(List<TopicPartition> partitions)
    {
        var offsets = partitions
            .Select(p => _uncommitted.TryGetValue(p, out var offset) ? new TopicPartitionOffset(p, offset) : null)
            .OfType<TopicPartitionOffset>()
            .ToList();
        if (offsets.Count == 0)
        {
            return true;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                // Unless something newer finished meanwhile.
                _uncommitted.TryRemove(new KeyValuePair<TopicPartition, Offset>(offset.TopicPartition, offset.Offset));
            }

            return true;
        }
        catch (KafkaException e)
        {
            // Tried again when next due; a partition handed over meanwhile is read again from its last commit by its new
            // owner, and applying an event twice changes nothing.
            member.Logger.LogDebug("Consumer group {Group} could not commit {Offsets}: {Reason}", member.Group, string.Join(", ", offsets), e.Error.Reason);
            return false;
        }
    }

    /// <summary>Records the positions that moved, at most once a second unless <paramref name="now"/> is set.</summary>
    private async Task RecordPositionsAsync(bool now, CancellationToken cancellationToken)
    {
        if (_unrecorded.Count == 0 || (!now && DateTime.UtcNow < _nextRecord))
        {
            return;
        }

        _nextRecord = DateTime.UtcNow + RecordInterval;
        var positions = _unrecorded
            .Select(p => new ConsumerPosition(ConsumerPosition.IdOf(member.Group, p.Topic, p.Partition.Value), member.Group, p.Topic, p.Partition.Value, _positions[p]))
            .ToArray();
        try
        {
            await using var session = store.LightweightSession();
            session.Store(positions);
            await session.SaveChangesAsync(cancellationToken);
            _unrecorded.Clear();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Best effort, and the database may be away (Marten wraps or disposes what Npgsql threw): never stop the group for it.
            member.Logger.LogWarning(e, "Consumer group {Group} could not record its positions; it tries again with the next batch", member.Group);
        }
    }
}
