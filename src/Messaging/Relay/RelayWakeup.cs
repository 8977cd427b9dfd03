using System.Threading.Channels;
using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Events.Daemon.HighWater;
using Marten.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.Messaging.Relay;

/// <summary>
/// Wakes the relay's daemon when events are appended (PostgreSQL LISTEN/NOTIFY), but not more often than
/// every <see cref="MinimumInterval"/>. Woken by every single append, the daemon hands the relay a range of
/// one or two events each time, and each range pays a fixed cost (high-water query, load, Kafka flush and
/// acknowledgement, progress): under load the ranges queue up faster than they are relayed. Spaced out, each
/// pass takes everything committed meanwhile; after a quiet spell the first append still wakes it at once.
/// </summary>
internal sealed class RelayWakeup : IDaemonWakeup
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(10);

    private readonly NpgsqlDataSource _listenerSource;
    private readonly PostgresqlListenWakeup _notifications;
    private readonly TimeProvider _clock;
    private long _lastPass;

    public RelayWakeup(string connectionString, ILogger logger, TimeProvider clock)
    {
        _listenerSource = NpgsqlDataSource.Create(connectionString);
        _notifications = new PostgresqlListenWakeup(_listenerSource, logger);
        _clock = clock;
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        await _notifications.WaitAsync(timeout, token);
        var sinceLastPass = _clock.GetElapsedTime(_lastPass);
        if (sinceLastPass < MinimumInterval)
        {
            await Task.Delay(MinimumInterval - sinceLastPass, _clock, token);
        }

        _lastPass = _clock.GetTimestamp();
    }

    public void Dispose()
    {
        _notifications.Dispose();
        _listenerSource.Dispose();
    }
}

/// <summary>
/// Tells <see cref="AppendNotifier"/> when a unit of work that appended events has committed.
/// </summary>
internal sealed class NotifyRelayOnAppend(AppendNotifier notifier) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetStreams().Any())
        {
            notifier.EventsAppended();
        }

        return Task.CompletedTask;
    }
}

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
