using System.Threading.Channels;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.Messaging.Relay;

/// <summary>
/// Sends the notification that wakes the relay, whichever instance runs it, after events were committed: on its own
/// connection and outside the command's transaction, at most one at a time, however many appends came meanwhile.
/// A NOTIFY inside the command's transaction would take PostgreSQL's notification-queue lock at its commit and hold
/// it through the commit's WAL flush: every appending transaction then commits one after another, and one slow flush
/// stalls them all (seen as seconds of lag at 200 deposits/s). A lost notification costs only latency: the relay also
/// polls.
/// </summary>
internal sealed class AppendNotifier : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<AppendNotifier> _logger;
    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public AppendNotifier(string connectionString, ILogger<AppendNotifier> logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
    }

    public void EventsAppended() => _appended.Writer.TryWrite(true);

    /// <summary>
    /// The same notification for events that reach the broker long after their append was notified: consumer group
    /// members that went idle since (<c>KafkaPollLoop</c>) wake for them, too.
    /// </summary>
    public void EventsRelayedLate() => _appended.Writer.TryWrite(true);

    public override void Dispose()
    {
        _dataSource.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in _appended.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await using var notify = _dataSource.CreateCommand($"SELECT pg_notify('{PostgresqlListenWakeup.DefaultChannel}', '')");
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    _logger.LogDebug(e, "Could not notify the relay of new events; it finds them when it next polls");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
