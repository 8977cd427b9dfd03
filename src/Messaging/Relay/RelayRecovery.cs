using JasperFx;
using JasperFx.Events.Daemon;

namespace Bank.Messaging.Relay;

/// <summary>
/// Restarts the relay where it stopped. Marten's daemon pauses or stops a subscription whose progress it could not
/// store (its progression was moved by another process, the database failed mid-commit), and nothing would start it
/// again. Every two seconds, in the instance that holds the relay, this starts it again, which re-reads its stored
/// progress: at worst a page is sent twice, never skipped.
/// </summary>
internal sealed class RelayRecovery(IProjectionCoordinator coordinator, RelayStatus status, ILogger<RelayRecovery> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var seenDown = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (coordinator.DaemonForMainDatabase() is not { IsRunning: true } daemon)
            {
                seenDown = false;
                continue;
            }

            var agent = daemon.CurrentAgents().FirstOrDefault(a => a.Name.Identity == RelayProgress.Shard.Identity);
            if (agent is { Status: AgentStatus.Running })
            {
                seenDown = false;
                status.Running();
                continue;
            }

            var reason = agent?.Failure?.ToString() ?? (agent is null ? "stopped" : agent.Status.ToString().ToLowerInvariant());
            status.Stopped(reason);

            // Twice in a row, so that an agent the daemon is starting right now is left alone.
            if (!seenDown)
            {
                seenDown = true;
                continue;
            }

            logger.LogWarning("The event relay is {Reason}; starting it again from its stored progress", reason);
            try
            {
                if (agent is { Status: AgentStatus.Paused })
                {
                    await daemon.StopAgentAsync(RelayProgress.Shard);
                }

                await daemon.StartAgentAsync(RelayProgress.Shard, stoppingToken);
                logger.LogInformation("The event relay runs again");
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not start the event relay again; trying again in {Interval}", Interval);
            }
        }
    }
}
