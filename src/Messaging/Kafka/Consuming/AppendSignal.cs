using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Counts the event store's append notifications (PostgreSQL LISTEN on the channel every instance's
/// <see cref="Relay.AppendNotifier"/> sends on), so that an idle consumer group member can stop fetching and start
/// again as soon as events are on their way to Kafka, whichever instance appended them.
/// </summary>
internal sealed class AppendSignal(string connectionString, ILogger<AppendSignal> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    // Keepalive queries make a connection that silently died fail its wait, so that listening starts again.
    private readonly NpgsqlDataSource _dataSource =
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 10 }.ConnectionString);

    private long _count;

    /// <summary>Raised after <see cref="Count"/> grew.</summary>
    public event Action? Heard;

    /// <summary>Grows with every notification heard: a member compares it with what it saw before.</summary>
    public long Count => Interlocked.Read(ref _count);

    public override void Dispose()
    {
        _dataSource.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                try
                {
                    await ListenAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(
                        "Not listening for appended events ({Reason}); idle consumers look for events less often until it listens again", e.Message);
                    await Task.Delay(RetryAfter, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, _) => Hear();
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresqlListenWakeup.DefaultChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Appends made while nothing listened went unheard: one for them all.
        Hear();
        while (true)
        {
            await connection.WaitAsync(stoppingToken);
        }
    }

    private void Hear()
    {
        Interlocked.Increment(ref _count);
        Heard?.Invoke();
    }
}
