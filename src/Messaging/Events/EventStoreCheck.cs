using Npgsql;
using NpgsqlTypes;

namespace Bank.Messaging.Events;

/// <summary>
/// Module consumers trust only the event store, not whoever can produce to a topic: each event of a batch is looked up
/// in one query, by its stream and version (the store's unique index), and must be the stored event of that id and
/// type. It is then handed on with the stored payload and commit time, whatever the message carried; a message that no
/// stored event matches is refused, and parks its key. An event stored as an older version is handed on as the current
/// one (<see cref="EventTypeRegistry.ReadAsCurrent"/>); one that cannot be read so is refused with a <c>schema</c> reason.
/// The lookup is an index probe per event, prepared once per connection and planned once, so that PostgreSQL neither
/// plans it again for every batch nor chooses, for some batch, a join over the whole events table.
/// Switched off (<c>Kafka:CheckEventsAgainstStore=false</c>), every event is handed on as it came.
/// </summary>
internal sealed class EventStoreCheck(string connectionString, EventTypeRegistry eventTypes, bool isOn) : IDisposable
{
    private const string Sql =
        $"""
        SELECT e.stream_id, e.version, e.id, e.type, e.seq_id, e.timestamp, e.data::text
        FROM unnest(@streams, @versions) AS m(stream_id, version)
        CROSS JOIN LATERAL (
            SELECT * FROM {EventStoreSetup.SchemaName}.mt_events x WHERE x.stream_id = m.stream_id AND x.version = m.version LIMIT 1) e
        """;

    // Its own pool: the generic plan is a setting of the connection, kept away from Marten's queries.
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithGenericPlans(connectionString));

    public bool IsOn => isOn;

    public void Dispose() => _dataSource.Dispose();

    // Added to whatever server options the connection string already sets.
    private static string WithGenericPlans(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c plan_cache_mode=force_generic_plan".TrimStart();
        return builder.ConnectionString;
    }

    /// <summary>Each event as stored, or why it is not in the event store; in the order given.</summary>
    public async Task<IReadOnlyList<(ReceivedEvent Event, string? Problem)>> CheckAsync(
        IReadOnlyList<ReceivedEvent> events, CancellationToken cancellationToken)
    {
        if (!isOn)
        {
            return events.Select(e => (e, (string?)null)).ToList();
        }

        if (events.Count == 0)
        {
            return [];
        }

        var stored = new Dictionary<(Guid, long), StoredEvent>();
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = events.Select(e => e.StreamId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
            {
                Value = events.Select(e => e.Metadata.StreamVersion).ToArray(),
            });
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored[(reader.GetGuid(0), reader.GetInt64(1))] = new StoredEvent(
                    reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6));
            }
        }

        return [.. events.Select(e => AsStored(e, stored.GetValueOrDefault((e.StreamId, e.Metadata.StreamVersion))))];
    }

    private (ReceivedEvent Event, string? Problem) AsStored(ReceivedEvent e, StoredEvent? match)
    {
        if (match is null || match.Id != e.Metadata.EventId || !eventTypes.TryGetStored(match.Type, out var type, out var version) || type != e.Type)
        {
            return (e, $"Not in the event store: no {e.Type.Name} event {e.Metadata.EventId} at version {e.Metadata.StreamVersion} of stream {e.StreamId}.");
        }

        return eventTypes.TryReadAsCurrent(type, version, match.Data, out var json, out var error)
            ? (e with { Json = System.Text.Encoding.UTF8.GetBytes(json), Metadata = e.Metadata with { GlobalPosition = match.Position, Timestamp = match.Timestamp } }, null)
            : (e, $"{KafkaEventReader.SchemaProblem}: the stored {match.Type} event cannot be read as {type.Name} v{type.Version}: {error}");
    }

    private sealed record StoredEvent(Guid Id, string Type, long Position, DateTimeOffset Timestamp, string Data);
}
