using Confluent.Kafka;
using Marten;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.Kafka;

/// <summary>
/// How far a consumer group finished each partition. The offset after each partition's finished prefix is
/// stored with librdkafka, which commits stored offsets every second, for partitions being revoked and when
/// the consumer closes: a message is committed only once it and every earlier one of its partition finished.
/// The global position of the last finished event of each partition is kept in PostgreSQL too
/// (<see cref="ConsumerPosition"/>), from where a broker that lost its contents is refilled.
/// </summary>
internal sealed class PartitionProgress(IConsumer<string, byte[]> consumer, string group, IDocumentStore store, ILogger logger)
{
    private static readonly TimeSpan RecordInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly HashSet<TopicPartition> _unrecorded = [];
    private DateTime _nextRecord = DateTime.UtcNow + RecordInterval;

    /// <summary>Moves each partition of <paramref name="batch"/> past its messages in <paramref name="finished"/> that follow one another from its first.</summary>
    public void Finished(IReadOnlyList<ConsumeResult<string, byte[]>> batch, IReadOnlySet<ConsumeResult<string, byte[]>> finished)
    {
        foreach (var partition in batch.GroupBy(m => m.TopicPartition))
        {
            var prefix = partition.OrderBy(m => m.Offset.Value).TakeWhile(finished.Contains).ToList();
            if (prefix.Count == 0)
            {
                continue;
            }

            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(partition.Key, prefix[^1].Offset + 1));
            }
            catch (KafkaException e)
            {
                // Revoked meanwhile: its new owner reads these again, and applying an event twice changes nothing.
                logger.LogDebug("Consumer group {Group} no longer holds {Partition}: {Reason}", group, partition.Key, e.Error.Reason);
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

    /// <summary>How long until positions that moved are due to be recorded, or null when none moved.</summary>
    public TimeSpan? UntilNextRecord => _unrecorded.Count == 0 ? null : (_nextRecord - DateTime.UtcNow) is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;

    /// <summary>Records the positions that moved, at most once a second unless <paramref name="now"/> is set.</summary>
    public async Task RecordPositionsAsync(bool now, CancellationToken cancellationToken)
    {
        if (_unrecorded.Count == 0 || (!now && DateTime.UtcNow < _nextRecord))
        {
            return;
        }

        _nextRecord = DateTime.UtcNow + RecordInterval;
        var positions = _unrecorded
            .Select(p => new ConsumerPosition(ConsumerPosition.IdOf(group, p.Topic, p.Partition.Value), group, p.Topic, p.Partition.Value, _positions[p]))
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
            logger.LogWarning(e, "Consumer group {Group} could not record its positions; it tries again with the next batch", group);
        }
    }
}
