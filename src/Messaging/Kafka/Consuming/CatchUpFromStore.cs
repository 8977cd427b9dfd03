using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Reads from the event store the events of a member's partitions that Kafka skipped (<see cref="PartitionCatchUp"/>
/// says which) and hands them to the module, page by page, as if Kafka had delivered them.
/// </summary>
internal sealed class CatchUpFromStore(
    GroupMember member,
    EventTypeRegistry eventTypes,
    KafkaCluster cluster,
    IDocumentStore store,
    PartitionProgress progress,
    ConsumerGroupState groupState,
    MessagingMetrics metrics)
{
    private const int PageSize = 1000;

    // Read once: a topic whose partitions were added has its keys spread anew, which no catch-up could follow anyway.
    private int? _partitionCount;

    /// <summary>
    /// Handles, for each partition in <paramref name="firstHeld"/>, the events after the group's recorded position and
    /// before the position of the first item it holds (null: its end, so everything relayed). After a lost connection
    /// (<see cref="FirstHeld.AfterLoss"/>) that is everything the store holds: a broker that came back empty gets the
    /// relay's new events and the refill of older ones in the order they come, so the first item fetched may be an older
    /// event sent again, with newer ones before it in the new log that the consumer's old offset skipped.
    /// </summary>
    public async Task CatchUpAsync(Dictionary<int, FirstHeld> firstHeld, CancellationToken stoppingToken)
    {
        await using var session = store.QuerySession();
        var ids = firstHeld.Keys.ToDictionary(p => ConsumerPosition.IdOf(member.Group, member.Topic, p));
        var recorded = (await session.LoadManyAsync<ConsumerPosition>(stoppingToken, ids.Keys))
            .ToDictionary(p => p.Partition, p => p.GlobalPosition);
        var relayed = await RelayProgress.ReadAsync(store, stoppingToken);
        var stored = firstHeld.Values.Any(first => first.AfterLoss)
            ? (await store.Advanced.FetchEventStoreStatistics(token: stoppingToken)).EventSequenceNumber
            : relayed;

        // The events each partition misses: after the group's recorded position, before the first one it still holds.
        // Handling one twice changes nothing, and one not relayed yet is handled before Kafka brings it, which changes
        // nothing either.
        var missing = firstHeld.ToDictionary(
            p => p.Key,
            p => (After: recorded.GetValueOrDefault(p.Key),
                Before: p.Value.AfterLoss ? Math.Max(p.Value.Position ?? 0, stored + 1) : p.Value.Position ?? relayed + 1));
        if (missing.Values.All(range => range.Before <= range.After + 1))
        {
            return;
        }

        var partitionCount = _partitionCount ??= await Task.Run(PartitionCount, stoppingToken);
        var partitions = string.Join(", ", missing.Keys.Order());
        groupState.CatchingUp(member.Group, member.Topic, partitions, handled: 0);
        metrics.CatchingUp(member.Group, member.Topic, missing.Count);
        long handled = 0;
        try
        {
            var pages = StoredEvents.PagesAsync(
                session, missing.Values.Min(r => r.After), missing.Values.Max(r => r.Before) - 1, PageSize, eventTypes.StoredNamesOf(member.EventTypesOfTopic), stoppingToken);
            await foreach (var page in pages)
            {
                var events = page
                    .Where(stored =>
                        missing.TryGetValue(KeyPartitions.PartitionOf(stored.StreamId.ToString("D"), partitionCount), out var range) &&
                        stored.Sequence > range.After && stored.Sequence < range.Before)
                    .Select(stored => BroadcastEvent.From(stored, eventTypes))
                    .OfType<BroadcastEvent>()
                    .Select(ReceivedEvent.From)
                    .ToList();

                // Not parked: parking needs the Kafka message. The catch-up stops here and is tried again.
                var finished = (await member.Module.HandleAsync(events, stoppingToken)).Finished;
                handled += finished.Count;
                groupState.CatchingUp(member.Group, member.Topic, partitions, handled);
                metrics.CaughtUp(member.Group, member.Topic, finished.Count);
                if (finished.Count < events.Count)
                {
                    throw new InvalidOperationException(
                        $"An event failed while catching up from the event store; {handled} event(s) were handled so far.");
                }
            }
        }
        finally
        {
            groupState.CaughtUp(member.Group, member.Topic);
            metrics.CatchingUp(member.Group, member.Topic, 0);
        }

        foreach (var partition in firstHeld.Where(p => p.Value.Position is null).Select(p => p.Key))
        {
            progress.CaughtUp(new TopicPartition(member.Topic, partition), relayed);
        }

        if (handled > 0)
        {
            member.Logger.LogWarning(
                "Consumer group {Group} handled {Count} event(s) of {Topic} partition(s) {Partitions} from the event store: " +
                "Kafka no longer held them (retention, or a broker that lost its contents), or they were handled already and changed nothing",
                member.Group,
                handled,
                member.Topic,
                partitions);
        }
    }

    private int PartitionCount()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties())).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(member.Topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            throw new KafkaException(metadata.Error);
        }

        return metadata.Partitions.Count;
    }
}
