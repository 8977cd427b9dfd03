using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// The parts of one member at work, from the poll to the commit, and what they do when partitions change hands or the
/// connection drops. librdkafka's callbacks may come before the parts have joined: until then there is nothing to tell them.
/// </summary>
internal sealed class MemberParts : IDisposable
{
    // How long a hand-over waits for the batch being handled: well within a rebalance, long enough for a batch's writes.
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(10);

    private PartitionProgress? _progress;
    private PartitionCatchUp? _catchUp;
    private KafkaBatchHandler? _batches;
    private KafkaPollLoop? _poll;

    public PartitionOwnership Ownership { get; } = new();

    /// <summary>Called once, after the consumer exists and before it is polled.</summary>
    public void Join(PartitionProgress progress, PartitionCatchUp catchUp, KafkaBatchHandler batches, KafkaPollLoop poll)
    {
        _progress = progress;
        _catchUp = catchUp;
        _batches = batches;
        _poll = poll;
    }

    public void Assigned(List<TopicPartition> partitions)
    {
        Ownership.Assigned();
        _poll?.Assigned(partitions);
        _batches?.PartitionsAssigned();
        _catchUp?.Assigned(partitions, Ownership.Epoch);
    }

    /// <summary>What finished is committed before the new owner starts, which begins right after (unless the cluster refused the commit).</summary>
    public void HandOver(List<TopicPartition> partitions)
    {
        _catchUp?.Revoked(partitions);
        Ownership.GiveUp(partitions, HandOverWait, then: () => _progress?.HandOver(partitions));
    }

    public void Lost(List<TopicPartition> partitions)
    {
        _catchUp?.Revoked(partitions);
        Ownership.GiveUp(partitions, HandOverWait, then: () => _progress?.Lost(partitions));
    }

    /// <summary>A broker that comes back may have lost its contents and hold a new log: nothing read before is trusted after.</summary>
    public void ConnectionLost()
    {
        var epoch = Ownership.ConnectionLost();
        _progress?.ConnectionLost();
        _catchUp?.ConnectionLost(epoch);
    }

    public void Dispose() => Ownership.Dispose();
}
