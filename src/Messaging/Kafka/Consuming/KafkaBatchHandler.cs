using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Parking;
using Bank.Messaging.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Takes what the poll loop queued, a batch at a time, and hands it to the module's event handler. A message whose
/// consumers still fail after their retries, or that cannot be read, parks its key: it and every later message of
/// the key are stored in PostgreSQL (<see cref="ParkedMessages"/>) and copied to <c>{topic}.dlt</c>, while the other
/// keys flow on. A batch whose query models could not be written is handled again, until it is or the host stops.
/// What a partition just assigned no longer holds is first taken from the event store (<see cref="PartitionCatchUp"/>).
/// Only then does <see cref="PartitionProgress"/> move the partitions on: nothing is skipped silently.
/// </summary>
internal sealed class KafkaBatchHandler(
    string group,
    string topic,
    ModuleEventHandler module,
    EventTypeRegistry eventTypes,
    EventStoreCheck? storeCheck,
    ParkedMessages parked,
    DeadLetterPublisher deadLetters,
    MessagingMetrics metrics,
    PartitionProgress progress,
    PartitionCatchUp catchUp,
    PartitionOwnership ownership,
    TimeProvider time,
    ILogger logger)
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    // The keys of the topic parked in the group, as far as this member knows: read again whenever it gets partitions,
    // since another instance may have parked keys of them. Touched by the batch loop only.
    // Each parked key with the lowest stream version parked (null: unknown, every later message waits).
    private Dictionary<string, long?> _parkedKeys = [];
    private volatile bool _parkedKeysUnknown = true;

    private enum Parking
    {
        Parked,
        KeyNoLongerParked,
        Failed,
    }

    /// <summary>Called by the poll loop when the member gets partitions, before any of their messages is queued.</summary>
    public void PartitionsAssigned() => _parkedKeysUnknown = true;

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
        var backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            int before;
            using (await ownership.HandlingAsync(stoppingToken))
            {
                // What was handed over since it was fetched is its new owner's to handle.
                var batch = fetched.Where(ownership.Owns).Select(f => f.Message).ToList();
                await catchUp.BeforeAsync(batch, stoppingToken);
                batch.RemoveAll(item => item.IsPartitionEOF);
                var unfinished = batch.Where(m => !finished.Contains(m)).ToList();
                if (unfinished.Count == 0)
                {
                    return;
                }

                before = finished.Count;
                try
                {
                    await HandleAsync(unfinished, finished, stoppingToken);
                }
                finally
                {
                    progress.Finished(batch, finished);
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
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>One attempt at the messages; adds those finished (handled, passed over, or parked) to <paramref name="finished"/>.</summary>
    private async Task HandleAsync(
        List<ConsumeResult<string, byte[]>> messages, HashSet<ConsumeResult<string, byte[]>> finished, CancellationToken stoppingToken)
    {
        try
        {
            if (_parkedKeysUnknown)
            {
                _parkedKeysUnknown = false;
                _parkedKeys = await parked.KeysAsync(group, topic, stoppingToken);
            }

            var events = new List<ReceivedEvent>(messages.Count);
            var messageOf = new Dictionary<ReceivedEvent, ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
            var waitingKeys = new HashSet<(TopicPartition, string?)>();
            foreach (var message in messages)
            {
                if (waitingKeys.Contains((message.TopicPartition, message.Message.Key)))
                {
                    continue;
                }

                if (_parkedKeys.TryGetValue(message.Message.Key ?? "", out var firstParked) && !Precedes(message, firstParked))
                {
                    var parking = await ParkAsync(message, new KeyParkedException(message.Message.Key), behindParked: true, stoppingToken);
                    if (parking == Parking.Parked)
                    {
                        finished.Add(message);
                        continue;
                    }

                    if (parking == Parking.Failed)
                    {
                        waitingKeys.Add((message.TopicPartition, message.Message.Key));
                        continue;
                    }
                }

                var read = KafkaEventReader.Read(message, eventTypes);
                if (read.Problem is { } problem)
                {
                    if (await ParkAsync(message, new InvalidDataException(problem), behindParked: false, stoppingToken) == Parking.Parked)
                    {
                        finished.Add(message);
                    }

                    waitingKeys.Add((message.TopicPartition, message.Message.Key));
                }
                else if (read.Event is { } e && module.Consumes(e.Type.ClrType))
                {
                    events.Add(e);
                    messageOf[e] = message;
                }
                else
                {
                    // An event this module does not consume: passed over, as a consumer group should.
                    finished.Add(message);
                }
            }

            var trusted = await TrustedAsync(events, messageOf, finished, stoppingToken);
            var handled = await module.HandleAsync(
                trusted,
                async (e, error, token) => await ParkAsync(messageOf[e], error, behindParked: false, token) == Parking.Parked,
                stoppingToken);
            finished.UnionWith(handled.Select(e => messageOf[e]));
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            _parkedKeysUnknown = true;
            logger.LogWarning(e, "Consumer group {Group} could not write the query models of a batch of {Count}; it is handled again", group, messages.Count);
        }
    }

    /// <summary>
    /// The events as the event store holds them (<see cref="EventStoreCheck"/>, unless it is off), added to <paramref name="messageOf"/>. One
    /// that the store does not hold parks its key, and the key's later events of the batch wait to be parked behind it.
    /// </summary>
    private async Task<List<ReceivedEvent>> TrustedAsync(
        List<ReceivedEvent> events,
        Dictionary<ReceivedEvent, ConsumeResult<string, byte[]>> messageOf,
        HashSet<ConsumeResult<string, byte[]>> finished,
        CancellationToken stoppingToken)
    {
        if (storeCheck is null)
        {
            return events;
        }

        var stored = await storeCheck.CheckAsync(events, stoppingToken);
        var trusted = new List<ReceivedEvent>(events.Count);
        var refused = new HashSet<Guid>();
        for (var i = 0; i < events.Count; i++)
        {
            var (e, problem) = stored[i];
            var message = messageOf[events[i]];
            if (refused.Contains(e.StreamId))
            {
                continue;
            }

            if (problem is not null)
            {
                refused.Add(e.StreamId);
                metrics.Refused(group, message.Topic);
                if (await ParkAsync(message, new InvalidDataException(problem), behindParked: false, stoppingToken) == Parking.Parked)
                {
                    finished.Add(message);
                }

                continue;
            }

            messageOf[e] = message;
            trusted.Add(e);
        }

        return trusted;
    }

    /// <summary>
    /// Parks the message (stores it, then copies it to the dead-letter topic): the first of its key with
    /// <paramref name="behindParked"/> false, or one more behind a parked key, while that key is still parked.
    /// </summary>
    private async Task<Parking> ParkAsync(
        ConsumeResult<string, byte[]> message, Exception error, bool behindParked, CancellationToken stoppingToken)
    {
        var key = message.Message.Key ?? "";
        var reason = Reason(error);
        var parkedMessage = ParkedMessage.Of(group, message, reason, time.GetUtcNow());
        if (!await parked.ParkAsync(parkedMessage, behindParked, stoppingToken))
        {
            // An operator re-drove or discarded what was parked: the key flows again, from this message on.
            _parkedKeys.Remove(key);
            return Parking.KeyNoLongerParked;
        }

        var version = parkedMessage.StreamVersion;
        if (!_parkedKeys.TryGetValue(key, out var firstParked))
        {
            _parkedKeys[key] = version;
        }
        else if (firstParked is { } known && (version is null || version < known))
        {
            _parkedKeys[key] = version;
        }
        if (!await deadLetters.TryPublishAsync(message, group, error, stoppingToken))
        {
            return Parking.Failed;
        }

        if (behindParked)
        {
            logger.LogWarning(
                "Consumer group {Group} parks {Topic}[{Partition}]@{Offset} behind the parked key {Key}",
                group,
                message.Topic,
                message.Partition.Value,
                message.Offset.Value,
                key);
        }
        else
        {
            logger.LogError(
                "Consumer group {Group} parks key {Key} of {Topic} at partition {Partition} offset {Offset}: {Reason}. Its later " +
                "messages wait; see 'dead-letters'",
                group,
                key,
                message.Topic,
                message.Partition.Value,
                message.Offset.Value,
                reason);
        }

        return Parking.Parked;
    }

    /// <summary>
    /// Whether the message carries an event older than the first parked one of its key: one delivered again from before
    /// the park (offsets not committed when a member stopped, say). It is handled as before, changing nothing, rather
    /// than parked behind an event it precedes.
    /// </summary>
    private static bool Precedes(ConsumeResult<string, byte[]> message, long? firstParked) =>
        firstParked is { } first &&
        message.Message.Headers?.TryGetLastBytes(EventHeaders.StreamVersion, out var bytes) == true &&
        long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var version) &&
        version < first;

    private static string Reason(Exception error)
    {
        var failure = error is MassTransit.ConsumerException { InnerException: { } inner } ? inner : error;
        return $"{failure.GetType().Name}: {failure.Message}";
    }
}
