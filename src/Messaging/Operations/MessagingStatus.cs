using Bank.Messaging.Kafka;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Consuming;
using Bank.Messaging.Relay;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Messaging.Operations;

/// <summary>
/// What the relay and the modules' consumer groups are doing, as this instance last saw them (no round trip per call):
/// for the operator console. With the in-memory transport there are no consumer groups to show.
/// </summary>
public sealed class MessagingStatus
{
    private readonly RelayStatus _relay;
    private readonly RelayBacklog _backlog;
    private readonly bool _consumes;
    private readonly KafkaParts? _kafka;

    /// <summary><paramref name="kafka"/> is null with the in-memory transport.</summary>
    internal MessagingStatus(RelayStatus relay, RelayBacklog backlog, bool consumes, KafkaParts? kafka)
    {
        _relay = relay;
        _backlog = backlog;
        _consumes = consumes;
        _kafka = kafka;
    }

    /// <summary>Whether this instance holds the relay right now (one instance at a time does).</summary>
    public bool RelaysHere => _relay.RelaysHere == true;

    /// <summary>Whether this instance runs its modules' consumers.</summary>
    public bool Consumes => _consumes;

    /// <summary>The module consumer groups, whether or not this instance consumes.</summary>
    public IReadOnlyList<string> Groups => _kafka?.Groups.All.Select(g => g.Group).ToList() ?? [];

    /// <summary>The partitions this instance's members hold.</summary>
    public IReadOnlyList<(string Group, string Topic, int Partition)> HeldPartitions => _kafka?.State.HeldPartitions.ToList() ?? [];

    public async Task<RelayView> RelayAsync()
    {
        var problem = _kafka is null ? _relay.CurrentFailure?.Error : await KafkaProblemAsync(_kafka.Health);
        var backlog = _backlog.Events;
        return new RelayView(backlog is { } events ? _backlog.Relayed + events : null, backlog is null ? null : _backlog.Relayed, backlog, _backlog.OldestWaiting, problem);
    }

    /// <summary>Every partition of every module group, as last read from the cluster (every two seconds).</summary>
    public IReadOnlyList<PartitionLagView> Partitions() => _kafka?.State.Partitions() ?? [];

    private static async Task<string?> KafkaProblemAsync(KafkaHealthCheck kafka)
    {
        var result = await kafka.CheckHealthAsync(new HealthCheckContext());
        return result.Status == HealthStatus.Healthy ? null : result.Description;
    }

    /// <summary>The Kafka transport's parts the status reads from.</summary>
    internal sealed record KafkaParts(KafkaHealthCheck Health, ConsumerGroupState State, ConsumerGroups Groups);
}
