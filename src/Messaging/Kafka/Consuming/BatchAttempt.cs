using Bank.Messaging.Kafka.Parking;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// One attempt at a batch of messages: each is read, checked against the event store (<see cref="EventStoreCheck"/>,
/// unless that is off) and handed to the module in order; one of a type or version the bank does not read is counted and
/// passed over. A message whose consumers still fail after their retries,
/// that cannot be read or that the store does not hold parks its key (<see cref="ParkedKeys"/>), while the other keys
/// flow on.
/// </summary>
internal sealed class BatchAttempt(
    GroupMember member, EventTypeRegistry eventTypes, EventStoreCheck storeCheck, ParkedKeys parkedKeys, MessagingMetrics metrics)
{
    /// <summary>One attempt at the messages; adds those finished (handled, passed over, or parked) to <paramref name="finished"/>.</summary>
    public async Task HandleAsync(
        List<ConsumeResult<string, byte[]>> messages, HashSet<ConsumeResult<string, byte[]>> finished, CancellationToken stoppingToken)
    {
        try
        {
            await parkedKeys.RefreshAsync(stoppingToken);

            var events = new List<ReceivedEvent>(messages.Count);
            var messageOf = new Dictionary<ReceivedEvent, ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
            var waitingKeys = new HashSet<(TopicPartition, string?)>();
            foreach (var message in messages)
            {
                if (waitingKeys.Contains((message.TopicPartition, message.Message.Key)))
                {
                    continue;
                }

                if (parkedKeys.Holds(message))
                {
                    var parking = await parkedKeys.ParkAsync(message, new KeyParkedException(message.Message.Key), behindParked: true, stoppingToken);
                    if (parking == ParkingOutcome.Parked)
                    {
                        finished.Add(message);
                        continue;
                    }

                    if (parking == ParkingOutcome.Failed)
                    {
                        waitingKeys.Add((message.TopicPartition, message.Message.Key));
                        continue;
                    }
                }

                var read = KafkaEventReader.Read(message, eventTypes);
                if (read.PassOver is { } why)
                {
                    // Written by a newer version of the bank, or by someone else: nothing here could handle it.
                    metrics.Skipped(member.Group, message.Topic);
                    member.Logger.LogWarning(
                        "Consumer group {Group} passed over the message at {Topic}/{Partition}@{Offset} {Why}",
                        member.Group, message.Topic, message.Partition.Value, message.Offset.Value, why);
                    finished.Add(message);
                }
                else if (read.Problem is { } problem)
                {
                    if (await parkedKeys.ParkAsync(message, new InvalidDataException(problem), behindParked: false, stoppingToken) == ParkingOutcome.Parked)
                    {
                        finished.Add(message);
                    }

                    waitingKeys.Add((message.TopicPartition, message.Message.Key));
                }
                else if (read.Event is { } e && member.Module.Consumes(e.Type.ClrType))
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
            var handled = await member.Module.HandleAsync(trusted, stoppingToken);
            finished.UnionWith(handled.Finished.Select(e => messageOf[e]));
            foreach (var failed in handled.Failed)
            {
                if (await parkedKeys.ParkAsync(messageOf[failed.Event], failed.Error, behindParked: false, stoppingToken) == ParkingOutcome.Parked)
                {
                    finished.Add(messageOf[failed.Event]);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            parkedKeys.Forget();
            member.Logger.LogWarning(
                e, "Consumer group {Group} could not write the query models of a batch of {Count}; it is handled again", member.Group, messages.Count);
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
        if (!storeCheck.IsOn)
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
                metrics.Refused(member.Group, message.Topic);
                if (await parkedKeys.ParkAsync(message, new InvalidDataException(problem), behindParked: false, stoppingToken) == ParkingOutcome.Parked)
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

}
