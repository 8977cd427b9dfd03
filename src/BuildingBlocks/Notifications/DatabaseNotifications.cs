using Bank.BuildingBlocks.EventSourcing;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Bank.BuildingBlocks.Notifications;

/// <summary>
/// One LISTEN connection per host for every channel its <see cref="IChannelListener"/>s want: each notification goes
/// to the listeners of its channel. A lost connection is opened again a second later; the listeners hear of it through
/// <see cref="IChannelListener.Listening"/>, since whatever was sent meanwhile is gone.
/// </summary>
internal sealed class DatabaseNotifications(
    IOptions<DatabaseSettings> database, IEnumerable<IChannelListener> listeners, ILogger<DatabaseNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly ILookup<string, IChannelListener> _listeners = listeners.ToLookup(l => l.Channel, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_listeners.Count == 0)
        {
            return;
        }

        // Keepalive queries make a connection that silently died fail its wait, so that listening starts again.
        var listening = new NpgsqlConnectionStringBuilder(database.Value.Postgres) { KeepAlive = 10, Pooling = false }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listening);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, notification) => Hear(notification.Channel, notification.Payload);
                foreach (var channel in _listeners.Select(group => group.Key))
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                foreach (var listener in _listeners.SelectMany(group => group))
                {
                    listener.Listening();
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(
                    "Not listening for notifications ({Reason}): waits for appends and query-model changes end on their timeouts " +
                    "until it listens again, in a second",
                    e.Message);
                await Task.Delay(RetryAfter, stoppingToken);
            }
        }
    }

    private void Hear(string channel, string payload)
    {
        foreach (var listener in _listeners[channel])
        {
            listener.Heard(payload);
        }
    }
}
