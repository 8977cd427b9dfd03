namespace Bank.Messaging.Kafka.Parking;

/// <summary>
/// Counts the parked keys of every consumer group every 5 s, whichever instance parked them, for <c>/health</c>
/// (<see cref="ParkedKeysHealthCheck"/>) and the <c>bank_parked_keys</c> gauge.
/// </summary>
internal sealed class ParkedKeysWatch(IDocumentStore store, MessagingMetrics metrics, ILogger<ParkedKeysWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private volatile IReadOnlyDictionary<string, int> _parkedKeysByGroup = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, int> ParkedKeysByGroup => _parkedKeysByGroup;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await using var session = store.QuerySession();
                var keys = await session.Query<ParkedMessage>().Select(m => new { m.Group, m.Topic, m.Key }).Distinct().ToListAsync(stoppingToken);
                var byGroup = keys.GroupBy(k => k.Group).ToDictionary(group => group.Key, group => group.Count());
                metrics.ParkedKeys(byGroup);
                _parkedKeysByGroup = byGroup;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(e, "Could not count the parked keys; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
