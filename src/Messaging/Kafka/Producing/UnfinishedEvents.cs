using System.Runtime.CompilerServices;
using Bank.Messaging.Kafka.Cluster;
using Npgsql;

namespace Bank.Messaging.Kafka.Producing;

/// <summary>
/// What a refill sends again after a broker lost its contents: on each partition some consumer group has not finished,
/// the events after the lowest position any group finished there, up to the last event relayed to it, read from the
/// event store.
/// </summary>
internal sealed class UnfinishedEvents(ConsumerGroups groups, EventTypeRegistry eventTypes, IOptions<KafkaOptions> options, ILogger<UnfinishedEvents> logger)
{
    private const int PageSize = 10000;

    /// <summary>
    /// Each partition some consumer group has not finished, with the lowest position any group finished there. A partition
    /// without a finished position counts as nothing finished, one without a relayed position as nothing relayed.
    /// </summary>
    public async Task<Dictionary<(string Topic, int Partition), long>> PartitionsAsync(
        IQuerySession session, long relayedUpTo, IReadOnlyDictionary<string, int> partitionCounts, CancellationToken cancellationToken)
    {
        var finished = (await session.Query<ConsumerPosition>().ToListAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.GlobalPosition);
        var relayed = await RelayedPositionsAsync(session, relayedUpTo, partitionCounts, cancellationToken);
        var unfinished = new Dictionary<(string Topic, int Partition), long>();
        foreach (var group in groups.All)
        {
            foreach (var topic in group.Topics)
            {
                for (var partition = 0; partition < partitionCounts[topic]; partition++)
                {
                    var done = finished.GetValueOrDefault(ConsumerPosition.IdOf(group.Group, topic, partition));
                    if (done < relayed.GetValueOrDefault((topic, partition)))
                    {
                        unfinished[(topic, partition)] = Math.Min(unfinished.GetValueOrDefault((topic, partition), long.MaxValue), done);
                    }
                }
            }
        }

        return unfinished;
    }

    /// <summary>The events to send again on the <paramref name="unfinished"/> partitions, a page at a time, in order.</summary>
    public async IAsyncEnumerable<List<BroadcastEvent>> PagesAsync(
        IQuerySession session,
        Dictionary<(string Topic, int Partition), long> unfinished,
        long relayedUpTo,
        IReadOnlyDictionary<string, int> partitionCounts,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var topics = unfinished.Keys.Select(p => p.Topic).ToHashSet(StringComparer.Ordinal);
        var storedNames = eventTypes.StoredNamesOf(eventTypes.All.Where(t => topics.Contains(options.Value.TopicFor(t.AggregateType))).Select(t => t.ClrType));
        await foreach (var page in StoredEvents.PagesAsync(session, unfinished.Values.Min(), relayedUpTo, PageSize, storedNames, cancellationToken))
        {
            yield return page
                .Select(e => BroadcastEvent.From(e, eventTypes))
                .OfType<BroadcastEvent>()
                .Where(e =>
                {
                    var topic = options.Value.TopicFor(e.Type.AggregateType);
                    var partition = KeyPartitions.PartitionOf(e.StreamId.ToString("D"), partitionCounts[topic]);
                    return unfinished.TryGetValue((topic, partition), out var after) && e.GlobalPosition > after;
                })
                .ToList();
        }
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
