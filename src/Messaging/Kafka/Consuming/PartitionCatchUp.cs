using System.Collections.Concurrent;
using Bank.Messaging.Retrying;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Makes up, from the event store, for what a partition no longer holds. Kafka keeps messages only for a while (the
/// embedded broker: the newest 5 MB of a partition), so a group that starts late or falls further behind than that
/// would begin at the oldest message left and silently miss the rest. Whenever this member gets a partition, the first
/// thing read from it (a message, or the partition's end) tells whether Kafka may have skipped something: when it is the
/// partition's oldest message and the partition no longer starts at 0, the partition's events after the group's
/// recorded position (<see cref="ConsumerPosition"/>) and before that first item are read from the store and handled by
/// the same module handler, before anything Kafka delivers. A few of them may have been handled already (positions are
/// recorded every second, and a group may simply have stopped there): they change nothing.
/// After a lost connection the same is done for the first item fetched after it on every partition, wherever it is: a
/// broker that came back empty holds a new log, in which an offset read or committed before means nothing, and librdkafka
/// goes on from it unless the new log is shorter (it does not reset on a recreated topic).
/// </summary>
internal sealed class PartitionCatchUp(IConsumer<string, byte[]> consumer, GroupMember member, CatchUpFromStore store)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    // Partitions this member has yet to compare; written by the poll loop's callbacks.
    private readonly ConcurrentDictionary<int, Check> _unchecked = new();

    // Partitions this member holds, and the epoch of the item each was last compared by.
    private readonly ConcurrentDictionary<int, bool> _held = new();
    private readonly ConcurrentDictionary<int, long> _comparedIn = new();

    // The epoch in which the connection to the cluster was last lost; 0 while it never was.
    private long _lostIn;

    /// <summary>Called from the rebalance callback with the partitions assigned in <paramref name="epoch"/>.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions, long epoch)
    {
        var lostIn = Interlocked.Read(ref _lostIn);
        foreach (var partition in partitions.Select(p => p.Partition.Value))
        {
            _held[partition] = true;
            _unchecked[partition] = new Check(epoch, AfterLoss: _comparedIn.GetValueOrDefault(partition) < lostIn);
        }
    }

    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions.Select(p => p.Partition.Value))
        {
            _held.TryRemove(partition, out _);
            _unchecked.TryRemove(partition, out _);
        }
    }

    /// <summary>
    /// Called from the error callback when the connection to the cluster was lost, in <paramref name="epoch"/>: the first
    /// item fetched after it on each partition, held now or assigned later, is compared with the store.
    /// </summary>
    public void ConnectionLost(long epoch)
    {
        Interlocked.Exchange(ref _lostIn, epoch);
        foreach (var partition in _held.Keys)
        {
            _unchecked[partition] = new Check(epoch, AfterLoss: true);
        }
    }

    /// <summary>Whether the end of <paramref name="partition"/> is still to be compared (the poll loop passes on only those).</summary>
    public bool Awaits(TopicPartition partition) => _unchecked.ContainsKey(partition.Partition.Value);

    /// <summary>
    /// Catches up every partition whose first message or end since it was assigned is in <paramref name="batch"/>,
    /// trying again until that worked or the host stops: nothing of those partitions is handled before.
    /// </summary>
    public async Task BeforeAsync(IReadOnlyList<Fetched> batch, CancellationToken stoppingToken)
    {
        if (_unchecked.IsEmpty)
        {
            return;
        }

        var checks = new Dictionary<int, Check>(_unchecked);
        var firstItems = new Dictionary<int, (Fetched Item, Check Check)>();
        foreach (var item in batch)
        {
            if (checks.TryGetValue(item.Message.Partition.Value, out var check) && item.Epoch >= check.From)
            {
                firstItems.TryAdd(item.Message.Partition.Value, (item, check));
            }
        }

        if (firstItems.Count == 0)
        {
            return;
        }

        var backoff = new Backoff(MaxBackoff);
        while (true)
        {
            try
            {
                var skipped = await Task.Run(() => Skipped(firstItems.Values), stoppingToken);
                if (skipped.Count > 0)
                {
                    // Each partition's first item: the position of the oldest event it still holds, or null for its end
                    // (or a message without a position, which is parked anyway): everything relayed.
                    await store.CatchUpAsync(
                        skipped.ToDictionary(
                            first => first.Message.Partition.Value,
                            first => new FirstHeld(first.Message.IsPartitionEOF ? null : KafkaEventReader.PositionOf(first.Message), first.AfterLoss)),
                        stoppingToken);
                }

                foreach (var (partition, (item, check)) in firstItems)
                {
                    // Unless the connection was lost again meanwhile.
                    _unchecked.TryRemove(new KeyValuePair<int, Check>(partition, check));
                    _comparedIn[partition] = item.Epoch;
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                member.Logger.LogWarning(e, "Consumer group {Group} could not catch up {Topic} from the event store; it tries again", member.Group, member.Topic);
                await backoff.WaitAsync(stoppingToken);
            }
        }
    }

    /// <summary>
    /// The first items that may follow a gap: Kafka starts a group at its committed offset, or, where it has none or the
    /// offset is no longer held, at the partition's oldest message (auto.offset.reset=earliest). A first item past the
    /// oldest message (the low watermark, cached by the consumer or asked of the partition's leader) started at a committed
    /// offset, as on every ordinary start and rebalance; one at the oldest message of a partition that no longer starts
    /// at 0 may have skipped what retention removed. After a lost connection, any first item may follow a gap.
    /// </summary>
    private List<(ConsumeResult<string, byte[]> Message, bool AfterLoss)> Skipped(IEnumerable<(Fetched Item, Check Check)> firstItems) =>
        firstItems
            .Select(first => (first.Item.Message, first.Check.AfterLoss))
            .Where(first => first.AfterLoss || (first.Message.Offset.Value > 0 && first.Message.Offset.Value <= OldestOffset(first.Message.TopicPartition)))
            .ToList();

    // librdkafka refreshes the cached low watermark with its statistics only; before that the partition's leader is
    // asked (a ListOffsets request, which no rebalance holds up).
    private long OldestOffset(TopicPartition partition) =>
        consumer.GetWatermarkOffsets(partition).Low is { Value: >= 0 } cached
            ? cached.Value
            : consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).Low.Value;

    /// <summary>
    /// A partition's first item fetched in epoch <paramref name="From"/> or later is to be compared; after a lost connection
    /// (<paramref name="AfterLoss"/>) it may follow a gap wherever it is.
    /// </summary>
    private readonly record struct Check(long From, bool AfterLoss);
}
