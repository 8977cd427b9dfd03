using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Bank.Messaging.Kafka;

/// <summary>
/// What this host knows of its modules' consumer groups: whether its own member is joined (from librdkafka's
/// statistics, every second) and, for the whole group, how far each partition's committed offset is behind the
/// partition's end (from <see cref="ConsumerGroupWatch"/>). A partition with messages waiting whose committed offset
/// does not move has no working consumer: its member died and the group has not noticed yet, or it is rebalancing.
/// </summary>
internal sealed class ConsumerGroupState(TimeProvider clock)
{
    /// <summary>Committed offsets move every second while a partition is consumed; this long without a move is a stall.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(4);

    private readonly ConcurrentDictionary<(string Group, string Topic), Member> _members = new();
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), PartitionLag> _partitions = new();
    private readonly ConcurrentDictionary<(string Group, string Topic), string> _catchingUp = new();
    private volatile string? _unreachable = "no answer yet";

    /// <summary>The reason the last look at the groups failed, or null when it succeeded.</summary>
    public string? Unreachable => _unreachable;

    /// <summary>Every watched partition's lag: messages after the group's committed offset.</summary>
    public IEnumerable<(string Group, string Topic, int Partition, long Lag)> Lags =>
        _partitions.Select(p => (p.Key.Group, p.Key.Topic, p.Key.Partition, p.Value.Lag));

    /// <summary>This instance's member of <paramref name="group"/> for <paramref name="topic"/>, from librdkafka's statistics.</summary>
    public void MemberStatistics(string group, string topic, string statistics)
    {
        using var document = JsonDocument.Parse(statistics);
        if (document.RootElement.TryGetProperty("cgrp", out var member)
            && member.TryGetProperty("join_state", out var joinState)
            && member.TryGetProperty("assignment_size", out var assigned))
        {
            _members[(group, topic)] = new Member(joinState.GetString() ?? "unknown", assigned.GetInt32());
        }
    }

    /// <summary>This instance's member of <paramref name="group"/> reads <paramref name="partitions"/> of <paramref name="topic"/> from the event store.</summary>
    public void CatchingUp(string group, string topic, string partitions) => _catchingUp[(group, topic)] = partitions;

    public void CaughtUp(string group, string topic) => _catchingUp.TryRemove((group, topic), out _);

    public void MemberLeft(string group, string topic) => _members.TryRemove((group, topic), out _);

    /// <summary>How many partitions of each topic this instance's members of each group hold.</summary>
    public IEnumerable<(string Group, string Topic, int Partitions)> Held =>
        _members.OrderBy(m => m.Key.Group).ThenBy(m => m.Key.Topic).Select(m => (m.Key.Group, m.Key.Topic, m.Value.Partitions));

    /// <summary>The group's committed offset and the end of each of its partitions, as just read from the cluster.</summary>
    public void Observed(string group, IEnumerable<(string Topic, int Partition, long Committed, long End)> partitions)
    {
        var now = clock.GetUtcNow();
        foreach (var (topic, partition, committed, end) in partitions)
        {
            var lag = Math.Max(0, end - Math.Max(committed, 0));
            _partitions.AddOrUpdate(
                (group, topic, partition),
                _ => new PartitionLag(committed, lag, now),
                (_, before) => new PartitionLag(committed, lag, before.Committed == committed && before.Lag > 0 ? before.WaitingSince : now));
        }

        _unreachable = null;
    }

    public void ObservationFailed(string reason) => _unreachable = reason;

    /// <summary>Why a group is not consuming all it should right now; empty when every group is.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (_unreachable is { } reason)
        {
            return [$"Kafka is unreachable ({reason}), so the consumer groups cannot be seen"];
        }

        var now = clock.GetUtcNow();
        var problems = _members
            .Where(m => m.Value.JoinState != "steady")
            .Select(m => $"consumer group {m.Key.Group} is rebalancing {m.Key.Topic} (this member: {m.Value.JoinState})")
            .ToList();
        problems.AddRange(_catchingUp.Select(c =>
            $"consumer group {c.Key.Group} catches up partition(s) {c.Value} of {c.Key.Topic} from the event store (Kafka no longer holds what it missed)"));
        problems.AddRange(_partitions
            .Where(p => p.Value.Lag > 0 && now - p.Value.WaitingSince >= StallAfter)
            .GroupBy(p => (p.Key.Group, p.Key.Topic))
            .Select(g => string.Create(
                CultureInfo.InvariantCulture,
                $"consumer group {g.Key.Group}: partition(s) {string.Join(", ", g.Select(p => p.Key.Partition).Order())} of {g.Key.Topic} " +
                $"have not moved for {(now - g.Min(p => p.Value.WaitingSince)).TotalSeconds:0} s ({g.Sum(p => p.Value.Lag)} message(s) waiting)")));
        return problems;
    }

    // WaitingSince: since when messages wait while the committed offset stays where it is.
    private sealed record Member(string JoinState, int Partitions);

    private sealed record PartitionLag(long Committed, long Lag, DateTimeOffset WaitingSince);
}
