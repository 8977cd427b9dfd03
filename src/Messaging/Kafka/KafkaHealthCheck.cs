using Bank.Messaging.Kafka.Consuming;
using Bank.Messaging.Relay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Kafka's state and the relay's, answered from what they last saw (no network round trip per call). Degraded when
/// Kafka cannot be reached or a page keeps failing: commands still succeed because the event store is the source of
/// truth, and the relay catches up later. Unhealthy when nothing is relayed: this instance's relay stopped, or events
/// wait with no progress at all.
/// </summary>
internal sealed class KafkaHealthCheck(RelayStatus relay, RelayBacklog backlog, ConsumerGroupState groups) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        if (groups.Unreachable is { } reason)
        {
            return HealthCheckResult.Degraded($"Kafka is unreachable ({reason}); events wait in the event store.");
        }

        if (relay.CurrentStop is { } stop)
        {
            return HealthCheckResult.Unhealthy($"The event relay stopped at {stop.At:O} ({stop.Reason}); it is being started again.");
        }

        if (backlog.Stalled is { } stalled)
        {
            return HealthCheckResult.Unhealthy(
                $"{backlog.Events} committed event(s) have waited {stalled.TotalSeconds:0} s with nothing relayed: " +
                "no instance relays (Relay:Enabled=false everywhere?) or the relay is stuck.");
        }

        if (relay.CurrentFailure is { } failure)
        {
            return HealthCheckResult.Degraded($"The event relay has been failing since {failure.At:O}: {failure.Error}");
        }

        if (relay.CurrentRefill is { } sent)
        {
            return HealthCheckResult.Degraded(
                $"Kafka lost messages it had been sent (a memory-only broker restarted?): sending again what consumer groups had not " +
                $"finished, {sent} event(s) so far.");
        }

        if (backlog.Events is not { } events)
        {
            return HealthCheckResult.Degraded("Starting: the relay's backlog has not been read yet.");
        }

        if (backlog.Behind is { } behind)
        {
            return HealthCheckResult.Degraded(
                $"The relay is behind: {events} committed event(s) not yet relayed, the oldest for {behind.TotalSeconds:0} s; relayed up to position {backlog.Relayed}.");
        }

        var holder = relay.RelaysHere switch
        {
            true => " This instance holds the relay.",
            false => " Another instance holds the relay (or none does yet).",
            null => "",
        };
        return HealthCheckResult.Healthy($"{events} committed event(s) not yet relayed; relayed up to position {backlog.Relayed}.{holder}");
    }
}
