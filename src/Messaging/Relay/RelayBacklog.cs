using Npgsql;

namespace Bank.Messaging.Relay;

/// <summary>
/// Reads, once a second, how many committed events the relay has not yet had acknowledged (the highest committed
/// position minus the relay's stored progress, which moves only after Kafka acknowledged a page) and since when the
/// oldest of them waits.
/// </summary>
internal sealed class RelayBacklog(IDocumentStore store, IOptions<RelayOptions> options, MessagingMetrics metrics, ILogger<RelayBacklog> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // With events waiting and no progress stored for this long (Relay:StalledAfter), nothing is relaying them.
    private readonly TimeSpan _stallAfter = options.Value.StalledAfter;

    /// <summary>An event waiting this long to be relayed means the relay is behind, not just busy.</summary>
    public static readonly TimeSpan BehindAfter = TimeSpan.FromSeconds(5);

    private long _backlog = -1;
    private long _relayed = -1;
    private DateTime? _waitingSince;
    private DateTimeOffset? _oldestWaiting;

    /// <summary>The events still to relay at the last reading, or null before the first one.</summary>
    public long? Events => Interlocked.Read(ref _backlog) is >= 0 and var backlog ? backlog : null;

    /// <summary>The position the relay had stored at the last reading.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    /// <summary>How long the oldest event still to relay has waited, as of the last reading; null when none waited.</summary>
    public TimeSpan? OldestWaiting => _oldestWaiting is { } oldest ? DateTimeOffset.UtcNow - oldest : null;

    /// <summary>How long the oldest event still to relay had waited at the last reading, once that is <see cref="BehindAfter"/> or more.</summary>
    public TimeSpan? Behind => _oldestWaiting is { } oldest && DateTimeOffset.UtcNow - oldest >= BehindAfter ? DateTimeOffset.UtcNow - oldest : null;

    /// <summary>How long events have waited with no relay progress stored, once that is <c>Relay:StalledAfter</c> or more.</summary>
    public TimeSpan? Stalled => _waitingSince is { } since && DateTime.UtcNow - since >= _stallAfter ? DateTime.UtcNow - since : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (backlog, relayed, oldest) = await ReadAsync(stoppingToken);
                _waitingSince = backlog == 0 ? null : relayed != _relayed ? DateTime.UtcNow : _waitingSince ?? DateTime.UtcNow;
                _oldestWaiting = backlog == 0 ? null : oldest;
                Interlocked.Exchange(ref _relayed, relayed);
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

    private async Task<(long Backlog, long Relayed, DateTimeOffset? Oldest)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            WITH relayed AS (
                SELECT coalesce((SELECT last_seq_id FROM {EventStoreSetup.SchemaName}.mt_event_progression WHERE name = @relay), 0) AS position)
            SELECT (SELECT coalesce(max(seq_id), 0) FROM {EventStoreSetup.SchemaName}.mt_events), relayed.position,
                   (SELECT timestamp FROM {EventStoreSetup.SchemaName}.mt_events WHERE seq_id > relayed.position ORDER BY seq_id LIMIT 1)
            FROM relayed
            """,
            connection);
        command.Parameters.AddWithValue("relay", $"{RelayProgress.SubscriptionName}:All");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (committed, relayed) = (reader.GetInt64(0), reader.GetInt64(1));
        return (Math.Max(0, committed - relayed), relayed, reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }
}
