using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// The highest offset the relay's producer had acknowledged on each partition. Offsets never go back on a partition
/// that keeps its log, and only the relay writes to the event topics, so a partition acknowledging a lower offset
/// lost its log (a memory-only broker restarted), and so does one whose log now ends before an offset it acknowledged.
/// Messages the producer held while the broker was away land on the empty log first, which can leave a topic's size
/// as it was: these per-partition facts do not depend on sizes.
/// </summary>
internal sealed class RelayedOffsets
{
    private readonly ConcurrentDictionary<TopicPartition, long> _highest = new();
    private volatile bool _wentBack;

    /// <summary>Whether a partition went back since <see cref="Refilled"/> was last called.</summary>
    public bool WentBack => _wentBack;

    public void Acknowledged(TopicPartitionOffset delivered)
    {
        var offset = delivered.Offset.Value;
        if (offset < 0)
        {
            return;
        }

        // Delivery reports arrive one at a time, in offset order per partition.
        if (_highest.TryGetValue(delivered.TopicPartition, out var before) && offset <= before)
        {
            _wentBack = true;
        }

        _highest[delivered.TopicPartition] = offset;
    }

    /// <summary>The broker's lost log is forgotten: what it acknowledges from here on is its new one.</summary>
    public void Refilled()
    {
        _highest.Clear();
        _wentBack = false;
    }

    /// <summary>Whether a partition's log now ends before an offset it acknowledged: its log was lost.</summary>
    public bool AnyBehind(IReadOnlyDictionary<TopicPartition, long> highWatermarks) =>
        highWatermarks.Any(partition => _highest.TryGetValue(partition.Key, out var acknowledged) && partition.Value <= acknowledged);
}
