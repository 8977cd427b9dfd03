using Bank.Messaging.Relay;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Kafka's state, reported as degraded (never unhealthy) when it cannot be reached: commands still
/// succeed because the event store is the source of truth, and the relay catches up later.
/// </summary>
internal sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private readonly IAdminClient _admin;
    private readonly RelayStatus _relay;
    private readonly RelayBacklog _backlog;

    public KafkaHealthCheck(KafkaCluster cluster, RelayStatus relay, RelayBacklog backlog, ILogger<KafkaHealthCheck> logger)
    {
        _relay = relay;
        _backlog = backlog;
        _admin = new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties()) { SocketTimeoutMs = 2000 })
            .SetLogHandler((_, message) => KafkaLog.Write(logger, message))
            .Build();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var metadata = await Task.Run(() => _admin.GetMetadata(TimeSpan.FromSeconds(2)), cancellationToken);
            if (metadata.Brokers.Count == 0)
            {
                return HealthCheckResult.Degraded("No Kafka broker is reachable; events wait in the event store.");
            }
        }
        catch (KafkaException e)
        {
            return HealthCheckResult.Degraded($"Kafka is unreachable ({e.Error.Reason}); events wait in the event store.");
        }

        return _relay.CurrentFailure is { } failure
            ? HealthCheckResult.Degraded($"The event relay has been failing since {failure.At:O}: {failure.Error}")
            : HealthCheckResult.Healthy(_backlog.Events is { } backlog
                ? $"{backlog} committed event(s) not yet relayed; this instance relayed up to position {_relay.LastRelayedPosition}."
                : $"This instance relayed up to position {_relay.LastRelayedPosition}.");
    }

    public void Dispose() => _admin.Dispose();
}
