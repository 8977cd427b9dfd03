using Marten;
using Npgsql;

namespace Bank.Host.Operations;

/// <summary>
/// The right to rebuild some modules' query models: one rebuild of a module at a time, whichever instance or command
/// runs it, since two would swap their documents over each other. A PostgreSQL session lock per module, held on a
/// connection of its own for as long as the rebuild runs, so that a process that dies lets it go.
/// </summary>
internal sealed class RebuildLock : IAsyncDisposable
{
    // The two-number form of PostgreSQL's advisory locks: a key space of its own.
    private const int AdvisoryLockClass = 0x2EB1;

    private readonly NpgsqlConnection _connection;

    private RebuildLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>The lock on every one of <paramref name="modules"/>, or null when another rebuild holds one of them.</summary>
    public static async Task<RebuildLock?> TryTakeAsync(IDocumentStore store, IReadOnlyList<string> modules, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var held = new RebuildLock(connection);
        foreach (var module in modules)
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, hashtext($2))", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = AdvisoryLockClass });
            command.Parameters.Add(new NpgsqlParameter { Value = module });
            if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                await held.DisposeAsync();
                return null;
            }
        }

        return held;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Pooled connections are not reset when they go back (No Reset On Close): the locks go explicitly.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
            await unlock.ExecuteNonQueryAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
