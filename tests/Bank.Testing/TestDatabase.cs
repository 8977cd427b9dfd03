using Npgsql;

namespace Bank.Testing;

/// <summary>
/// A fresh PostgreSQL database for one test class, dropped afterwards, so tests never see
/// each other's events. The server is the one scripts/postgres.sh starts; override it with
/// the environment variable BANK_TEST_POSTGRES (a connection string to its maintenance database).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=bank;Password=bank;Database=postgres";

    private readonly string _serverConnectionString;

    private TestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("BANK_TEST_POSTGRES") ?? DefaultServer;
        var name = $"bank_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server)
        {
            Database = name,
            // Loopback: encryption would cost CPU and protect nothing.
            SslMode = SslMode.Disable,
            NoResetOnClose = true,
            MaxAutoPrepare = 50,
            AutoPrepareMinUsages = 2,
            Timeout = 5,
            CommandTimeout = 5,
        }.ConnectionString;
        return new TestDatabase(server, name, connectionString);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 10 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // A server process (autovacuum, say) that this role may not end is still on the database: it leaves soon.
                await Task.Delay(300);
            }
        }
    }
}
