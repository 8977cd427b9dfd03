using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Telemetry;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.Messaging.Relay;

/// <summary>
/// Reads, once a second, how many committed events the relay has not yet had acknowledged: the highest
/// committed position minus the relay's stored progress (which moves only after Kafka acknowledged a page).
/// </summary>
internal sealed class RelayBacklog(IDocumentStore store, MessagingMetrics metrics, ILogger<RelayBacklog> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private long _backlog = -1;

    /// <summary>The events still to relay at the last reading, or null before the first one.</summary>
    public long? Events => Interlocked.Read(ref _backlog) is >= 0 and var backlog ? backlog : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var backlog = await ReadAsync(stoppingToken);
                Interlocked.Exchange(ref _backlog, backlog);
                metrics.RelayBacklog(backlog);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Could not read the relay's backlog");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<long> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT (SELECT coalesce(max(seq_id), 0) FROM {EventStoreSetup.SchemaName}.mt_events) " +
            $"- coalesce((SELECT last_seq_id FROM {EventStoreSetup.SchemaName}.mt_event_progression WHERE name = @relay), 0)",
            connection);
        command.Parameters.AddWithValue("relay", $"{EventRelay.SubscriptionName}:All");
        return Math.Max(0, (long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }
}
