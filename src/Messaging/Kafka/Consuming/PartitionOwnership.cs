using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Keeps a member from handling what it no longer owns. A partition handed over is given up only between batches: the
/// rebalance callback (on the poll thread) waits for the batch being handled to finish and store its offsets, so that
/// they are committed before the new owner starts; messages of the partition that were fetched before the hand-over and
/// are still queued are dropped, not handled: the new owner handles them.
/// </summary>
internal sealed class PartitionOwnership : IDisposable
{
    private readonly SemaphoreSlim _handling = new(1, 1);
    private readonly ConcurrentDictionary<TopicPartition, long> _givenUpIn = new();
    private long _epoch;
    private long _connectedSince;

    /// <summary>Grows with every assignment, hand-over and lost connection; the poll loop tags what it fetches with it.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Called from the rebalance callback with the partitions just assigned.</summary>
    public void Assigned() => Interlocked.Increment(ref _epoch);

    /// <summary>
    /// Called from the rebalance callback with the partitions handed over (or lost): waits up to <paramref name="wait"/>
    /// for the batch being handled, gives them up, and runs <paramref name="then"/> (the hand-over's commit) before any
    /// other batch starts. A batch still running after the wait goes on, and whatever of it finishes after the hand-over
    /// may be handled again by the new owner: never lost, at worst handled twice.
    /// </summary>
    public void GiveUp(IReadOnlyCollection<TopicPartition> partitions, TimeSpan wait, Action then)
    {
        var between = _handling.Wait(wait);
        try
        {
            var epoch = Interlocked.Increment(ref _epoch);
            foreach (var partition in partitions)
            {
                _givenUpIn[partition] = epoch;
            }

            then();
        }
        finally
        {
            if (between)
            {
                _handling.Release();
            }
        }
    }

    /// <summary>
    /// Called from the error callback when the connection to the cluster was lost: starts the epoch from which on what is
    /// fetched came over a new connection, and returns it. Waits for nothing: a batch being handled goes on.
    /// </summary>
    public long ConnectionLost()
    {
        var epoch = Interlocked.Increment(ref _epoch);
        Interlocked.Exchange(ref _connectedSince, epoch);
        return epoch;
    }

    /// <summary>Whether the message was fetched over a connection lost since.</summary>
    public bool FetchedBeforeConnectionLost(Fetched fetched) => fetched.Epoch < Interlocked.Read(ref _connectedSince);

    /// <summary>Whether the message was fetched while its partition was this member's, and it still is.</summary>
    public bool Owns(Fetched fetched) => !_givenUpIn.TryGetValue(fetched.Message.TopicPartition, out var givenUp) || givenUp < fetched.Epoch;

    /// <summary>Holds off hand-overs while a batch is handled and its offsets stored.</summary>
    public async Task<IDisposable> HandlingAsync(CancellationToken cancellationToken)
    {
        await _handling.WaitAsync(cancellationToken);
        return new Release(_handling);
    }

    public void Dispose() => _handling.Dispose();

    private sealed class Release(SemaphoreSlim handling) : IDisposable
    {
        public void Dispose() => handling.Release();
    }
}
