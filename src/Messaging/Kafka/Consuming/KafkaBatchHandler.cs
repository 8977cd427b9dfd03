using System.Threading.Channels;
using Bank.Messaging.Retrying;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Takes what the poll loop queued, a batch at a time, and makes attempts at it (<see cref="BatchAttempt"/>) until
/// every message of it is finished: handled, passed over or parked. A batch whose query models could not be written
/// is handled again, until it is or the host stops.
/// What a partition just assigned no longer holds is first taken from the event store (<see cref="PartitionCatchUp"/>).
/// Only then does <see cref="PartitionProgress"/> move the partitions on: nothing is skipped silently.
/// </summary>
internal sealed class KafkaBatchHandler(BatchAttempt attempt, ParkedKeys parkedKeys, PartitionProgress progress, PartitionCatchUp catchUp, PartitionOwnership ownership)
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Called by the poll loop when the member gets partitions, before any of their messages is queued.</summary>
    public void PartitionsAssigned() => parkedKeys.Forget();

    public async Task RunAsync(ChannelReader<Fetched> received, CancellationToken stoppingToken)
    {
        var batch = new List<Fetched>(MaxBatch);
        try
        {
            while (await WaitForMessagesAsync(received, stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && received.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await HandleUntilFinishedAsync(batch, stoppingToken);
                await SaveProgressAsync(now: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what finished is stored; the rest is delivered again to whoever reads the partition next.
        }
    }

    /// <summary>Waits for messages; while none come, what finished last is committed and recorded when due.</summary>
    private async Task<bool> WaitForMessagesAsync(ChannelReader<Fetched> received, CancellationToken stoppingToken)
    {
        while (true)
        {
            var ready = received.WaitToReadAsync(stoppingToken);
            if (ready.IsCompleted || progress.UntilDue is not { } due)
            {
                return await ready;
            }

            var waiting = ready.AsTask();
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            if (await Task.WhenAny(waiting, Task.Delay(due, idle.Token)) == waiting)
            {
                await idle.CancelAsync();
                return await waiting;
            }

            await SaveProgressAsync(now: false, stoppingToken);
        }
    }

    /// <summary>Commits and records what finished, between batches: never while a partition is being handed over.</summary>
    private async Task SaveProgressAsync(bool now, CancellationToken stoppingToken)
    {
        using (await ownership.HandlingAsync(stoppingToken))
        {
            await progress.SaveAsync(now, stoppingToken);
        }
    }

    /// <summary>
    /// Handles the batch, attempt after attempt, until every message of it that this member still owns is finished (or the
    /// host stops). Each attempt holds off hand-overs and stores the offsets of what it finished before it lets one happen.
    /// </summary>
    private async Task HandleUntilFinishedAsync(List<Fetched> fetched, CancellationToken stoppingToken)
    {
        var finished = new HashSet<ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
        var backoff = new Backoff(MaxBackoff);
        while (true)
        {
            int before;
            using (await ownership.HandlingAsync(stoppingToken))
            {
                // What was handed over since it was fetched is its new owner's to handle.
                var owned = fetched.Where(ownership.Owns).ToList();
                await catchUp.BeforeAsync(owned, stoppingToken);
                var batch = owned.Select(f => f.Message).Where(item => !item.IsPartitionEOF).ToList();
                var unfinished = batch.Where(m => !finished.Contains(m)).ToList();
                if (unfinished.Count == 0)
                {
                    return;
                }

                before = finished.Count;
                try
                {
                    await attempt.HandleAsync(unfinished, finished, stoppingToken);
                }
                finally
                {
                    var beforeLoss = owned.Where(ownership.FetchedBeforeConnectionLost).Select(f => f.Message)
                        .ToHashSet<ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
                    progress.Finished(batch, finished, beforeLoss);
                }

                if (unfinished.All(finished.Contains) || stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }

            // Messages that waited behind a key parked in this attempt are parked at once; a failure waits a while, and what
            // finished before it is committed and recorded meanwhile, however long the batch keeps failing.
            if (finished.Count == before)
            {
                await SaveProgressAsync(now: false, stoppingToken);
                await backoff.WaitAsync(stoppingToken);
            }
        }
    }
}
