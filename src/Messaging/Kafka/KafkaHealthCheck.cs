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

        return HealthCheckResult.Healthy(backlog.Events is { } events
            ? $"{events} committed event(s) not yet relayed; this instance relayed up to position {relay.LastRelayedPosition}."
            : $"This instance relayed up to position {relay.LastRelayedPosition}.");
    }
}

/// <summary>Degraded while a module's consumer group is rebalancing or has partitions nobody consumes.</summary>
internal sealed class ConsumerGroupsHealthCheck(ConsumerGroupState groups) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(groups.Problems() is { Count: > 0 } problems
            ? HealthCheckResult.Degraded(string.Join("; ", problems) + ".")
            : HealthCheckResult.Healthy(
                $"Every partition is consumed; {groups.Lags.Sum(p => p.Lag)} message(s) waiting." +
                (groups.Held.Any() ? $" This instance holds {string.Join(", ", groups.Held.Select(m => $"{m.Partitions} partition(s) of {m.Topic} in {m.Group}"))}." : "")));
}
