using JasperFx.Events.Daemon.HighWater;
using Marten.Events.Daemon.HighWater;
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
