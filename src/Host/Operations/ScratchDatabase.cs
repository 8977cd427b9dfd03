using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging.Replay;
using Marten;
using Npgsql;

namespace Bank.Host.Operations;

/// <summary>A database beside the live one for verify and rebuild to replay into, dropped afterwards.</summary>
internal static class ScratchDatabase
{
    public static async Task<DateTime> NowAsync(IDocumentStore store)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT now()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// A scratch database beside the live one, with the query-model schema, for the length of <paramref name="use"/>;
    /// its services are built with the live ones' <paramref name="configuration"/>.
    /// </summary>
    public static async Task<T> UseAsync<T>(IConfiguration configuration, Func<IDocumentStore, QueryModelReplay, Task<T>> use)
    {
        var liveConnection = new NpgsqlConnectionStringBuilder(SettingSections.Read<DatabaseSettings>(configuration).Postgres);
        var scratchName = $"{liveConnection.Database}_scratch_{Guid.NewGuid():N}"[..Math.Min(63, liveConnection.Database!.Length + 41)];
        await ExecuteOnServerAsync(liveConnection, $"CREATE DATABASE \"{scratchName}\"");
        try
        {
            var scratchConnection = new NpgsqlConnectionStringBuilder(liveConnection.ConnectionString) { Database = scratchName };
            await using var scratch = OperatorServices.Build(configuration, scratchConnection.ConnectionString);
            var scratchStore = scratch.GetRequiredService<IDocumentStore>();
            await scratchStore.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            return await use(scratchStore, scratch.GetRequiredService<QueryModelReplay>());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await DropScratchDatabaseAsync(liveConnection, scratchName);
        }
    }

    private static async Task DropScratchDatabaseAsync(NpgsqlConnectionStringBuilder liveConnection, string scratchName)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteOnServerAsync(liveConnection, $"DROP DATABASE IF EXISTS \"{scratchName}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (attempt < 10 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // An autovacuum worker on the freshly filled database is a process this role may not end: it leaves soon.
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        }
    }

    private static async Task ExecuteOnServerAsync(NpgsqlConnectionStringBuilder database, string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
