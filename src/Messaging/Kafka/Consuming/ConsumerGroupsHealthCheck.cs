using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Unhealthy while the instance starts and its members have not joined their groups yet, so that what is written once
/// <c>/health</c> answers is read at once. Degraded while a module's consumer group is rebalancing or has partitions
/// nobody consumes.
/// </summary>
internal sealed class ConsumerGroupsHealthCheck(ConsumerGroupState groups) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (groups.Starting() is { } starting)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(starting + "."));
        }

        var held = groups.Held.Any()
            ? $" This instance holds {string.Join(", ", groups.Held.Select(m => $"{m.Partitions} partition(s) of {m.Topic} in {m.Group}"))}."
            : "";
        return Task.FromResult(groups.Problems() is { Count: > 0 } problems
            ? HealthCheckResult.Degraded(string.Join("; ", problems) + "." + held)
            : HealthCheckResult.Healthy($"Every partition is consumed; {groups.Lags.Sum(p => p.Lag)} message(s) waiting.{held}"));
    }
}
