using System.Globalization;
using Bank.Host.Operations;
using Bank.Messaging.Kafka.Parking;
using Bank.Messaging.Operations;

namespace Bank.Host.OperatorConsole;

/// <summary>
/// What <c>GET /ops/api/status</c> answers: the path from the event store's newest event through the relay and Kafka to
/// each module's query models, the parked keys, the rebuilds and the instances, put together from what this instance
/// last saw (relay and groups), the parked messages, the rebuild runs and the instances' records in PostgreSQL.
/// </summary>
internal sealed class ConsoleStatus(
    MessagingStatus messaging,
    InstanceHeartbeat instances,
    LagHistory history,
    ConsoleRebuilds rebuilds,
    TimeProvider clock,
    DeadLetters? deadLetters = null)
{
    private const int RebuildsShown = 10;

    public async Task<Response> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var seen = await instances.SeenAsync(cancellationToken);
        var alive = seen.Where(record => now - record.LastSeen < InstanceHeartbeat.GoneAfter).ToList();
        var holders = alive
            .SelectMany(record => record.Partitions.Select(partition => (partition, record.Id)))
            .GroupBy(held => held.partition, StringComparer.Ordinal)
            .ToDictionary(held => held.Key, held => held.First().Id, StringComparer.Ordinal);

        var relay = await messaging.RelayAsync();
        var partitions = messaging.Partitions();
        var groups = messaging.Groups
            .Select(group =>
            {
                var of = partitions.Where(p => p.Group == group).ToList();
                var stalled = of.Where(p => p.Stalled).Select(p => p.Partition.ToString(CultureInfo.InvariantCulture)).ToList();
                return new GroupStatus(
                    group,
                    of.Sum(p => p.Lag),
                    of.Count == 0 ? 0 : of.Max(p => p.LagTime).TotalSeconds,
                    stalled.Count == 0 ? null : $"Partition(s) {string.Join(", ", stalled)} have messages waiting and have not moved for a while.",
                    of.Select(p => new PartitionStatus(
                            p.Topic,
                            p.Partition,
                            holders.GetValueOrDefault(HostInstanceRecord.PartitionOf(p.Group, p.Topic, p.Partition)),
                            p.Committed,
                            p.End,
                            p.Lag,
                            p.LagTime.TotalSeconds))
                        .ToList());
            })
            .ToList();

        var parked = deadLetters is null
            ? []
            : (await deadLetters.ListAsync(cancellationToken))
                .Select(key => new ParkedKeyStatus(key.Group, key.Topic, key.Key, key.Error, key.ParkedAt, key.Count, key.FirstStreamVersion, key.FirstEventId))
                .ToList();

        var runs = (await rebuilds.RecentAsync(RebuildsShown, cancellationToken))
            .Select(run => new RebuildStatus(
                run.Module,
                run.Instance,
                run.StartedBy,
                run.StartedAt,
                run.Position,
                run.Last,
                run.FinishedAt,
                run.Outcome ?? (RebuildRuns.IsRunning(run, now) ? null : "Stopped without finishing: its process ended.")))
            .ToList();

        return new Response(
            now,
            instances.InstanceId,
            new RelayStatus(
                relay.HighWaterMark,
                relay.Relayed,
                relay.Backlog,
                relay.OldestWaiting?.TotalSeconds,
                alive.FirstOrDefault(record => record.Relays)?.Id,
                relay.Problem),
            groups,
            parked,
            runs,
            rebuilds.Modules,
            alive.Select(record => new InstanceStatus(
                    record.Id, record.Version, record.StartedAt, (now - record.StartedAt).TotalSeconds, record.LastSeen, record.Relays, record.Consumes))
                .ToList(),
            history.Points.ToDictionary(
                group => group.Key,
                group => group.Value.Select(point => new LagPointStatus(point.At, point.LagEvents, point.LagSeconds)).ToList(),
                StringComparer.Ordinal));
    }

    public sealed record Response(
        DateTimeOffset At,
        string Instance,
        RelayStatus Relay,
        IReadOnlyList<GroupStatus> Groups,
        IReadOnlyList<ParkedKeyStatus> Parked,
        IReadOnlyList<RebuildStatus> Rebuilds,
        IReadOnlyList<string> Modules,
        IReadOnlyList<InstanceStatus> Instances,
        IReadOnlyDictionary<string, List<LagPointStatus>> History);

    public sealed record RelayStatus(long? HighWaterMark, long? Relayed, long? Backlog, double? OldestWaitingSeconds, string? Instance, string? Problem);

    public sealed record GroupStatus(string Group, long LagEvents, double LagSeconds, string? Problem, IReadOnlyList<PartitionStatus> Partitions);

    public sealed record PartitionStatus(string Topic, int Partition, string? Instance, long? Position, long End, long LagEvents, double LagSeconds);

    public sealed record ParkedKeyStatus(
        string Group, string Topic, string Key, string Reason, DateTimeOffset Since, int Events, long? FirstVersion, Guid? FirstEventId);

    public sealed record RebuildStatus(
        string Module, string Instance, string StartedBy, DateTimeOffset StartedAt, long Position, long Last, DateTimeOffset? FinishedAt, string? Outcome);

    public sealed record InstanceStatus(
        string Id, string Version, DateTimeOffset StartedAt, double UptimeSeconds, DateTimeOffset LastSeen, bool Relays, bool Consumes);

    public sealed record LagPointStatus(DateTimeOffset At, long LagEvents, double LagSeconds);
}
