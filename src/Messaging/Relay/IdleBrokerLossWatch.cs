using JasperFx.Events.Daemon;

namespace Bank.Messaging.Relay;

/// <summary>
/// The relay checks for a broker that lost its contents on its own passes, which happen only when events are
/// committed. While none are, this looks every few seconds, in the instance that runs the relay only, and one
/// at a time with its passes.
/// </summary>
internal sealed class IdleBrokerLossWatch(
    IBrokerLossRefill refill,
    RelayGate gate,
    RelayStatus status,
    IDocumentStore store,
    IProjectionCoordinator coordinator,
    ILogger<IdleBrokerLossWatch> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var relaysHere = coordinator.DaemonForMainDatabase() is { IsRunning: true };
            status.Holding(relaysHere);
            if (!relaysHere)
            {
                continue;
            }

            try
            {
                using (await gate.EnterAsync(stoppingToken))
                {
                    var relayed = await RelayProgress.ReadAsync(store, stoppingToken);
                    await using var session = store.QuerySession();
                    await refill.RefillIfLostAsync(session, relayed, idle: true, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database or the broker is away: the loss is still there to see at the next look.
                logger.LogWarning(e, "Could not check whether Kafka lost relayed messages; trying again in {Interval}", Interval);
            }
        }
    }
}
