using Bank.BuildingBlocks.Consumers;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Relay;
using Confluent.Kafka;
using Npgsql;

namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// Notices a broker that lost its contents (its topics hold nothing although events were relayed, or they shrank) and
/// publishes again, from the event store, what some consumer group has not finished: on each partition, the events after
/// the lowest position any group finished there (<see cref="ConsumerPosition"/>), where that is below the last event
/// relayed to it (<see cref="RelayedPartition"/>). After a clean stop with every group caught up that is nothing, and after
/// a crash the unfinished tail: never the history. Runs inside the relay's pass, so only the instance that holds the
/// relay's leadership decides, and the refill comes before anything newer.
/// </summary>
internal sealed class BrokerLossRefill(
    TopicSizes topicSizes,
    IOptions<KafkaOptions> options,
    EventTypeRegistry eventTypes,
    ModuleConsumerRegistry modules,
    IEventBroadcaster broadcaster,
    Consuming.ConsumerGroupState kafka,
    RelayedOffsets offsets,
    RelayStatus status,
    MessagingMetrics metrics,
    ILogger<BrokerLossRefill> logger) : IBrokerLossRefill
{
    private const int PageSize = 10000;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    private Dictionary<TopicPartition, long>? _lastSizes;
    private DateTime _nextCheck = DateTime.MinValue;

    public async Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken)
    {
        var wentBack = offsets.WentBack;
        // Reading sizes from a broker that is away blocks for seconds, and a stop with it: idle looks wait for its return.
        if (!wentBack && (DateTime.UtcNow < _nextCheck || (idle && kafka.Unreachable is not null)))
        {
            return;
        }

        _nextCheck = DateTime.UtcNow + CheckInterval;
        var sizes = await Task.Run(topicSizes.Read, cancellationToken);
        if (sizes is null && !wentBack)
        {
            // Unreadable now: the very next call looks again, so that a broker back from a restart is looked at
            // before anything new is published to it.
            _nextCheck = DateTime.MinValue;
            return;
        }

        var lost = wentBack || offsets.AnyBehind(sizes!) || (_lastSizes is null
            ? relayedUpTo > 0 && sizes!.Values.Sum() == 0
            : sizes!.Any(size => _lastSizes.TryGetValue(size.Key, out var last) && size.Value < last));
        if (lost)
        {
            await RefillAsync(session, relayedUpTo, cancellationToken);
            offsets.Refilled();
            sizes = await Task.Run(topicSizes.Read, cancellationToken) ?? sizes;
        }

        if (sizes is not null)
        {
            _lastSizes = sizes;
        }
    }

    private async Task RefillAsync(IQuerySession session, long relayedUpTo, CancellationToken cancellationToken)
    {
        var partitionCounts = await Task.Run(topicSizes.PartitionCounts, cancellationToken);
        var unfinished = await UnfinishedAsync(session, relayedUpTo, partitionCounts, cancellationToken);
        if (unfinished.Count == 0)
        {
            logger.LogWarning(
                "Kafka lost messages relayed up to position {Relayed} (a memory-only broker restarted?); every consumer group had " +
                "finished them: nothing to send again",
                relayedUpTo);
            return;
        }

        logger.LogWarning(
            "Kafka lost messages relayed up to position {Relayed} (a memory-only broker restarted?); sending again what consumer " +
            "groups had not finished on {Partitions}",
            relayedUpTo,
            string.Join(", ", unfinished.Select(p => $"{p.Key.Topic}[{p.Key.Partition}] after position {p.Value}")));
        var sent = 0L;
        status.Refilling(sent);
        try
        {
            var topics = unfinished.Keys.Select(p => p.Topic).ToHashSet(StringComparer.Ordinal);
            var storedNames = eventTypes.StoredNamesOf(eventTypes.All.Where(t => topics.Contains(options.Value.TopicFor(t.AggregateType))).Select(t => t.ClrType));
            await foreach (var page in StoredEvents.PagesAsync(session, unfinished.Values.Min(), relayedUpTo, PageSize, storedNames, cancellationToken))
            {
                var again = page
                    .Select(e => BroadcastEvent.From(e, eventTypes))
                    .OfType<BroadcastEvent>()
                    .Where(e =>
                    {
                        var topic = options.Value.TopicFor(e.Type.AggregateType);
                        var partition = KeyPartitions.PartitionOf(e.StreamId.ToString("D"), partitionCounts[topic]);
                        return unfinished.TryGetValue((topic, partition), out var after) && e.GlobalPosition > after;
                    })
                    .ToList();
                await broadcaster.PublishAsync(again, cancellationToken);
                sent += again.Count;
                metrics.SentAgain(again.Count);
                status.Refilling(sent);
            }
        }
        finally
        {
            status.Refilled();
        }

        logger.LogInformation("Sent {Count} event(s) again that consumer groups had not finished", sent);
    }

    /// <summary>
    /// Each partition some consumer group has not finished, with the lowest position any group finished there. A partition
    /// without a finished position counts as nothing finished, one without a relayed position as nothing relayed.
    /// </summary>
    private async Task<Dictionary<(string Topic, int Partition), long>> UnfinishedAsync(
        IQuerySession session, long relayedUpTo, IReadOnlyDictionary<string, int> partitionCounts, CancellationToken cancellationToken)
    {
        var finished = (await session.Query<ConsumerPosition>().ToListAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.GlobalPosition);
        var relayed = await RelayedPositionsAsync(session, relayedUpTo, partitionCounts, cancellationToken);
        var unfinished = new Dictionary<(string Topic, int Partition), long>();
        foreach (var module in modules.Modules)
        {
            var group = options.Value.GroupOf(module);
            var topics = modules.ConsumersOf(module).SelectMany(c => c.MessageTypes)
                .Select(t => options.Value.TopicFor(eventTypes.Get(t).AggregateType)).Distinct();
            foreach (var topic in topics)
            {
                for (var partition = 0; partition < partitionCounts[topic]; partition++)
                {
                    var done = finished.GetValueOrDefault(ConsumerPosition.IdOf(group, topic, partition));
                    if (done < relayed.GetValueOrDefault((topic, partition)))
                    {
                        unfinished[(topic, partition)] = Math.Min(unfinished.GetValueOrDefault((topic, partition), long.MaxValue), done);
                    }
                }
            }
        }

        return unfinished;
    }

    /// <summary>
    /// Where each partition's last relayed event is. The relay records it with every page; a store relayed to before it
    /// did has the records completed once, from the events themselves.
    /// </summary>
    private async Task<Dictionary<(string Topic, int Partition), long>> RelayedPositionsAsync(
        IQuerySession session, long relayedUpTo, IReadOnlyDictionary<string, int> partitionCounts, CancellationToken cancellationToken)
    {
        var records = await session.Query<RelayedPartition>().ToListAsync(cancellationToken);
        var positions = records.Where(r => r.Id != RelayedPartition.CompleteId).ToDictionary(r => (r.Topic, r.Partition), r => r.GlobalPosition);
        if (records.Any(r => r.Id == RelayedPartition.CompleteId))
        {
            return positions;
        }

        logger.LogInformation("Reading once from the event store where each partition's last event is, up to position {Position}", relayedUpTo);
        foreach (var (partition, position) in await LastPositionsInStoreAsync(session.DocumentStore, relayedUpTo, partitionCounts, cancellationToken))
        {
            positions[partition] = Math.Max(positions.GetValueOrDefault(partition), position);
        }

        await using var writing = session.DocumentStore.LightweightSession();
        writing.Store(positions
            .Select(p => new RelayedPartition(RelayedPartition.IdOf(p.Key.Topic, p.Key.Partition), p.Key.Topic, p.Key.Partition, p.Value))
            .Append(new RelayedPartition(RelayedPartition.CompleteId, "", -1, relayedUpTo))
            .ToArray());
        await writing.SaveChangesAsync(cancellationToken);
        return positions;
    }

    private async Task<Dictionary<(string Topic, int Partition), long>> LastPositionsInStoreAsync(
        IDocumentStore store, long upTo, IReadOnlyDictionary<string, int> partitionCounts, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT stream_id, max(seq_id), min(type) FROM {EventStoreSetup.SchemaName}.mt_events WHERE seq_id <= @upTo GROUP BY stream_id",
            connection);
        command.Parameters.AddWithValue("upTo", upTo);
        var positions = new Dictionary<(string Topic, int Partition), long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!eventTypes.TryGetStored(reader.GetString(2), out var type, out _))
            {
                continue;
            }

            var topic = options.Value.TopicFor(type.AggregateType);
            var key = (topic, KeyPartitions.PartitionOf(reader.GetGuid(0).ToString("D"), partitionCounts[topic]));
            positions[key] = Math.Max(positions.GetValueOrDefault(key), reader.GetInt64(1));
        }

        return positions;
    }
}
