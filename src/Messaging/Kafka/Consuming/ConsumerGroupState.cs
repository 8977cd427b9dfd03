using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// What this host knows of its modules' consumer groups: whether its own members have joined and how many partitions
/// each holds (from their assignment callbacks), whether they are rebalancing (from librdkafka's statistics, every
/// second) and, for the whole group, how far each partition's committed offset is behind the
/// partition's end (from <see cref="ConsumerGroupWatch"/>). A partition with messages waiting whose committed offset
/// does not move has no working consumer: its member died and the group has not noticed yet, or it is rebalancing.
/// </summary>
internal sealed class ConsumerGroupState(TimeProvider clock)
{
    /// <summary>Committed offsets move every second while a partition is consumed; this long without a move is a stall.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(4);

    private readonly ConcurrentDictionary<(string Group, string Topic), string> _joinStates = new();
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), PartitionLag> _partitions = new();
    private readonly ConcurrentDictionary<(string Group, string Topic), (string Partitions, long Handled)> _catchingUp = new();
    /// <summary>The longest a start waits for this instance's members to join before <c>/health</c> answers anyway.</summary>
    public static readonly TimeSpan LongestStart = TimeSpan.FromSeconds(30);

    // Partitions each member of this instance holds, from its assignment callbacks; null until its first assignment.
    private readonly ConcurrentDictionary<(string Group, string Topic), int?> _held = new();
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), bool> _heldPartitions = new();
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private volatile string? _unreachable = "no answer yet";
    private volatile bool _kafkaNotReached;

    /// <summary>The reason the last look at the groups failed, or null when it succeeded.</summary>
    public string? Unreachable => _unreachable;

    /// <summary>Every watched partition's lag: messages after the group's committed offset.</summary>
    public IEnumerable<(string Group, string Topic, int Partition, long Lag)> Lags =>
        _partitions.Select(p => (p.Key.Group, p.Key.Topic, p.Key.Partition, p.Value.Lag));

    /// <summary>This instance's member of <paramref name="group"/> for <paramref name="topic"/>, from librdkafka's statistics.</summary>
    public void MemberStatistics(string group, string topic, string statistics)
    {
        using var document = JsonDocument.Parse(statistics);
        if (document.RootElement.TryGetProperty("cgrp", out var member) && member.TryGetProperty("join_state", out var joinState))
        {
            var state = joinState.GetString() ?? "unknown";
            _joinStates[(group, topic)] = state;
            if (state == "steady")
            {
                // A member the group gave nothing may never hear of an assignment: steady, it has joined all the same.
                _held.AddOrUpdate((group, topic), 0, (_, held) => held ?? 0);
            }
        }
    }

    /// <summary>This instance's member of <paramref name="group"/> for <paramref name="topic"/> is about to join it.</summary>
    public void Joining(string group, string topic) => _held.TryAdd((group, topic), null);

    /// <summary>The member got <paramref name="partitions"/> more partitions (its first assignment may be empty).</summary>
    public void Assigned(string group, string topic, IReadOnlyCollection<int> partitions)
    {
        _held.AddOrUpdate((group, topic), partitions.Count, (_, held) => (held ?? 0) + partitions.Count);
        foreach (var partition in partitions)
        {
            _heldPartitions[(group, topic, partition)] = true;
        }
    }

    /// <summary>The member handed over or lost <paramref name="partitions"/>.</summary>
    public void Released(string group, string topic, IReadOnlyCollection<int> partitions)
    {
        _held.AddOrUpdate((group, topic), 0, (_, held) => Math.Max(0, (held ?? 0) - partitions.Count));
        foreach (var partition in partitions)
        {
            _heldPartitions.TryRemove((group, topic, partition), out _);
        }
    }

    /// <summary>Kafka could not be reached to set up the topics: the start goes on without the consumer groups.</summary>
    public void KafkaNotReached() => _kafkaNotReached = true;

    /// <summary>
    /// What a start still waits for: the members of this instance that have not joined their groups yet. Null once they
    /// all have, when Kafka could not be reached (commands work without it), or after <see cref="LongestStart"/>.
    /// </summary>
    public string? Starting()
    {
        var waiting = NotJoined();
        return waiting.Count == 0 || _kafkaNotReached || clock.GetUtcNow() - _started > LongestStart
            ? null
            : $"Starting: joining consumer group(s) {string.Join(", ", waiting)}";
    }

    private List<string> NotJoined() =>
        _held.Where(m => m.Value is null).Select(m => $"{m.Key.Group} for {m.Key.Topic}").Order(StringComparer.Ordinal).ToList();

    /// <summary>This instance's member of <paramref name="group"/> reads <paramref name="partitions"/> of <paramref name="topic"/> from the event store.</summary>
    public void CatchingUp(string group, string topic, string partitions, long handled) => _catchingUp[(group, topic)] = (partitions, handled);

    public void CaughtUp(string group, string topic) => _catchingUp.TryRemove((group, topic), out _);

    public void MemberLeft(string group, string topic)
    {
        _joinStates.TryRemove((group, topic), out _);
        _held.TryRemove((group, topic), out _);
        foreach (var held in _heldPartitions.Keys.Where(p => p.Group == group && p.Topic == topic))
        {
            _heldPartitions.TryRemove(held, out _);
        }
    }

    /// <summary>The partitions this instance's members hold right now.</summary>
    public IEnumerable<(string Group, string Topic, int Partition)> HeldPartitions => _heldPartitions.Keys;

    /// <summary>
    /// Every watched partition as last read from the cluster, with how long its oldest waiting message has waited: since
    /// the first reading whose end passed the committed offset (so to within the reading interval, two seconds).
    /// </summary>
    public IReadOnlyList<PartitionLagView> Partitions()
    {
        var now = clock.GetUtcNow();
        return _partitions
            .OrderBy(p => p.Key.Group, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Topic, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Partition)
            .Select(p => new PartitionLagView(
                p.Key.Group,
                p.Key.Topic,
                p.Key.Partition,
                p.Value.Committed >= 0 ? p.Value.Committed : null,
                p.Value.End,
                p.Value.Lag,
                p.Value.Lag > 0 && p.Value.Ends.Count > 0 ? now - p.Value.Ends[0].Seen : TimeSpan.Zero,
                p.Value.Lag > 0 && now - p.Value.WaitingSince >= StallAfter))
            .ToList();
    }

    /// <summary>How many partitions of each topic this instance's members of each group hold.</summary>
    public IEnumerable<(string Group, string Topic, int Partitions)> Held =>
        _held.Where(m => m.Value is not null)
            .OrderBy(m => m.Key.Group, StringComparer.Ordinal)
            .ThenBy(m => m.Key.Topic, StringComparer.Ordinal)
            .Select(m => (m.Key.Group, m.Key.Topic, m.Value!.Value));

    /// <summary>The group's committed offset and the end of each of its partitions, as just read from the cluster.</summary>
    public void Observed(string group, IEnumerable<(string Topic, int Partition, long Committed, long End)> partitions)
    {
        var now = clock.GetUtcNow();
        foreach (var (topic, partition, committed, end) in partitions)
        {
            var lag = Math.Max(0, end - Math.Max(committed, 0));
            _partitions.AddOrUpdate(
                (group, topic, partition),
                _ => new PartitionLag(committed, end, lag, now, Waiting([], committed, end, now)),
                (_, before) => new PartitionLag(
                    committed,
                    end,
                    lag,
                    before.Committed == committed && before.Lag > 0 ? before.WaitingSince : now,
                    Waiting(before.Ends, committed, end, now)));
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
        var problems = NotJoined().Select(member => $"this instance has not joined consumer group {member} yet").ToList();
        problems.AddRange(_joinStates
            .Where(m => m.Value != "steady" && _held.GetValueOrDefault((m.Key.Group, m.Key.Topic)) is not null)
            .Select(m => $"consumer group {m.Key.Group} is rebalancing {m.Key.Topic} (this member: {m.Value})"));
        problems.AddRange(_catchingUp.Select(c =>
            $"consumer group {c.Key.Group} catches up partition(s) {c.Value.Partitions} of {c.Key.Topic} from the event store (Kafka no " +
            $"longer holds what it missed), {c.Value.Handled} event(s) handled so far"));
        problems.AddRange(_partitions
            .Where(p => p.Value.Lag > 0 && now - p.Value.WaitingSince >= StallAfter)
            .GroupBy(p => (p.Key.Group, p.Key.Topic))
            .Select(g => string.Create(
                CultureInfo.InvariantCulture,
                $"consumer group {g.Key.Group}: partition(s) {string.Join(", ", g.Select(p => p.Key.Partition).Order())} of {g.Key.Topic} " +
                $"have not moved for {(now - g.Min(p => p.Value.WaitingSince)).TotalSeconds:0} s ({g.Sum(p => p.Value.Lag)} message(s) waiting)")));
        return problems;
    }

    private const int MostReadings = 64;

    // The readings whose end is past the committed offset, oldest first: the first one saw the oldest waiting message.
    private static List<(long End, DateTimeOffset Seen)> Waiting(List<(long End, DateTimeOffset Seen)> before, long committed, long end, DateTimeOffset now)
    {
        var waiting = before.Where(reading => reading.End > committed).ToList();
        if (end > Math.Max(committed, 0) && (waiting.Count == 0 || end > waiting[^1].End))
        {
            waiting.Add((end, now));
        }

        // A partition stuck while messages keep coming would add a reading every time: the oldest one matters most,
        // the ones after it only once the committed offset moves past it, so the second oldest gives way.
        if (waiting.Count > MostReadings)
        {
            waiting.RemoveAt(1);
        }

        return waiting;
    }

    // WaitingSince: since when messages wait while the committed offset stays where it is.
    private sealed record PartitionLag(long Committed, long End, long Lag, DateTimeOffset WaitingSince, List<(long End, DateTimeOffset Seen)> Ends);
}
