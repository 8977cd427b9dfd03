using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Counts the event store's append notifications (PostgreSQL LISTEN on the channel every instance's
/// <see cref="Relay.AppendNotifier"/> sends on), so that an idle consumer group member can stop fetching and start
/// again as soon as events are on their way to Kafka, whichever instance appended them.
/// </summary>
internal sealed class AppendSignal : BackgroundService
{
    // Listening stops only with the database; a wait this long that ends without a notification wakes members once.
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresqlListenWakeup _notifications;
    private long _count;

    public AppendSignal(string connectionString, ILogger<AppendSignal> logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _notifications = new PostgresqlListenWakeup(_dataSource, logger);
    }

    /// <summary>Raised after <see cref="Count"/> grew.</summary>
    public event Action? Heard;

    /// <summary>Grows with every notification heard: a member compares it with what it saw before.</summary>
    public long Count => Interlocked.Read(ref _count);

    public override void Dispose()
    {
        _notifications.Dispose();
        _dataSource.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _notifications.WaitAsync(ListenTimeout, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _count);
            Heard?.Invoke();
        }
    }
}
