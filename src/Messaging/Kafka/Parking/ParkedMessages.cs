using Npgsql;

namespace Bank.Messaging.Kafka.Parking;

/// <summary>
/// The parked messages in PostgreSQL. A key is parked in a consumer group while the group has a parked message of
/// it. Parking a message and re-driving or discarding a key's messages take the same lock on the key, so a message
/// that arrives while an operator re-drives its key is either parked behind what is left, or, once nothing is left,
/// handled in its turn.
/// </summary>
internal sealed class ParkedMessages(IDocumentStore store)
{
    // The two-number form of PostgreSQL's advisory locks, apart from the one-number locks Marten takes.
    private const int KeyLockClass = 0x9A4C;

    /// <summary>
    /// Stores the message as parked, unless it is already (delivered again: the first record, and its error, stay);
    /// with <paramref name="onlyBehindParked"/>, only while another message of its key is parked. False when none
    /// is: the message is to be handled, and a record of its own from an attempt that did not finish is dropped.
    /// </summary>
    public async Task<bool> ParkAsync(ParkedMessage message, bool onlyBehindParked, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(cancellationToken);
        await LockKeyAsync(session.Connection!, message.Group, message.Topic, message.Key, cancellationToken);
        if (onlyBehindParked && !await session.Query<ParkedMessage>()
                .AnyAsync(m => m.Group == message.Group && m.Topic == message.Topic && m.Key == message.Key && m.Id != message.Id, cancellationToken))
        {
            session.Delete<ParkedMessage>(message.Id);
            await session.SaveChangesAsync(cancellationToken);
            return false;
        }

        if (await session.LoadAsync<ParkedMessage>(message.Id, cancellationToken) is null)
        {
            session.Insert(message);
            await session.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The keys of <paramref name="topic"/> parked in <paramref name="group"/>, each with the lowest stream version parked
    /// (null when a parked message of the key carries none).
    /// </summary>
    public async Task<Dictionary<string, long?>> KeysAsync(string group, string topic, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var parkedMessages = await session.Query<ParkedMessage>()
            .Where(m => m.Group == group && m.Topic == topic)
            .Select(m => new { m.Key, m.StreamVersion })
            .ToListAsync(cancellationToken);
        return parkedMessages
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .ToDictionary(
                key => key.Key,
                key => key.Any(m => m.StreamVersion is null) ? null : key.Min(m => m.StreamVersion),
                StringComparer.Ordinal);
    }

    /// <summary>
    /// Each parked key, with its first message's event and error and how many messages wait: read without the messages'
    /// payloads, which a status asked for every second does not need.
    /// </summary>
    public async Task<IReadOnlyList<ParkedKey>> KeysOfAllAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var messages = await session.Query<ParkedMessage>()
            .OrderBy(m => m.Group)
            .ThenBy(m => m.Topic)
            .ThenBy(m => m.Key)
            .ThenBy(m => m.Partition)
            .ThenBy(m => m.Offset)
            .Select(m => new { m.Group, m.Topic, m.Key, m.StreamVersion, m.EventId, m.Error, m.ParkedAt })
            .ToListAsync(cancellationToken);

        // The key's first parked message is the one that failed; the others wait behind it.
        return messages
            .GroupBy(m => (m.Group, m.Topic, m.Key))
            .Select(key => (First: key.First(), Count: key.Count()))
            .Select(key => new ParkedKey(
                key.First.Group, key.First.Topic, key.First.Key, key.Count, key.First.StreamVersion, key.First.EventId, key.First.Error, key.First.ParkedAt))
            .ToList();
    }

    /// <summary>
    /// Takes the key's lock until <see cref="IAsyncDisposable.DisposeAsync"/>: while an operator re-drives or discards a
    /// key, a consumer that would park one of its messages waits.
    /// </summary>
    public async Task<IAsyncDisposable> HoldKeyAsync(string group, string topic, string key, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        var name = $"{group}/{topic}/{key}";
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT pg_advisory_lock($1, hashtext($2))", name, cancellationToken);
            return new HeldKey(connection, name);
        }
        catch when (connection.State == System.Data.ConnectionState.Open)
        {
            // A lock granted as the call failed must not stay behind on a pooled connection.
            await new HeldKey(connection, name).DisposeAsync();
            throw;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The key's parked messages, in order, read while its lock is held.</summary>
    public async Task<IReadOnlyList<ParkedMessage>> OfKeyAsync(string group, string topic, string key, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<ParkedMessage>()
            .Where(m => m.Group == group && m.Topic == topic && m.Key == key)
            .OrderBy(m => m.Partition)
            .ThenBy(m => m.Offset)
            .ToListAsync(cancellationToken);
    }

    public async Task DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        foreach (var id in ids)
        {
            session.Delete<ParkedMessage>(id);
        }

        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task SaveAsync(ParkedMessage message, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Store(message);
        await session.SaveChangesAsync(cancellationToken);
    }

    private static Task LockKeyAsync(NpgsqlConnection connection, string group, string topic, string key, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1, hashtext($2))", $"{group}/{topic}/{key}", cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new NpgsqlParameter { Value = KeyLockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Unlocks before the connection goes back to the pool, which keeps session state (No Reset On Close).
    private sealed class HeldKey(NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock($1, hashtext($2))", name, CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
