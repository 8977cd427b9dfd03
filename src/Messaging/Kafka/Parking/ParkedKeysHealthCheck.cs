using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Messaging.Kafka.Parking;

/// <summary><c>Degraded</c> while any consumer group has a parked key: its events wait for an operator (<c>dead-letters</c>).</summary>
internal sealed class ParkedKeysHealthCheck(ParkedKeysWatch watch) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var parked = watch.ParkedKeysByGroup.Where(group => group.Value > 0).ToList();
        return Task.FromResult(parked.Count == 0
            ? HealthCheckResult.Healthy("No key is parked.")
            : HealthCheckResult.Degraded(
                $"{parked.Sum(group => group.Value)} key(s) parked, their events waiting for an operator ('dead-letters'): " +
                string.Join(", ", parked.Select(group => $"{group.Value} in consumer group {group.Key}")) + "."));
    }
}
