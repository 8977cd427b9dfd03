using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Bank.BuildingBlocks.Notifications;

/// <summary>
/// Sends notifications after the fact, on a connection of its own and outside any command's transaction; whatever
/// queued meanwhile goes in one round trip, and a bare wake-up already queued is not queued twice. A NOTIFY inside a
/// transaction would take PostgreSQL's notification-queue lock at its commit and hold it through the commit's WAL
/// flush, making every such transaction in the database commit one after another. A lost notification costs only
/// latency: every listener also looks on its own now and then.
/// </summary>
public sealed class DatabaseNotifier(NpgsqlDataSource database, ILogger<DatabaseNotifier> logger) : BackgroundService
{
    private const int PerRoundTrip = 50;

    private readonly Channel<(string Channel, string Payload)> _pending =
        Channel.CreateUnbounded<(string, string)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, bool> _wakeUpsQueued = new(StringComparer.Ordinal);

    /// <summary>Queues a notification on <paramref name="channel"/>; without a payload it is a bare wake-up.</summary>
    public void Notify(string channel, string payload = "")
    {
        if (payload.Length == 0 && !_wakeUpsQueued.TryAdd(channel, true))
        {
            return;
        }

        _pending.Writer.TryWrite((channel, payload));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                await using var batch = database.CreateBatch();
                while (batch.BatchCommands.Count < PerRoundTrip && _pending.Reader.TryRead(out var notification))
                {
                    if (notification.Payload.Length == 0)
                    {
                        _wakeUpsQueued.TryRemove(notification.Channel, out _);
                    }

                    var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
                    notify.Parameters.Add(new NpgsqlParameter { Value = notification.Channel });
                    notify.Parameters.Add(new NpgsqlParameter { Value = notification.Payload });
                    batch.BatchCommands.Add(notify);
                }

                try
                {
                    await batch.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogDebug(e, "Could not send {Count} notification(s); their listeners find out when they next look", batch.BatchCommands.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
