using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Keeps an idle member from fetching. A member that has had nothing to do for <see cref="IdleAfter"/> pauses its
/// partitions: a broker answers a fetch with nothing only after <c>fetch.wait.max.ms</c>, so an idle member would
/// otherwise fetch many times a second for good. An append anywhere (<see cref="AppendSignal"/>) resumes it before the
/// relay has sent the events, and the relay notifies again when it sends events long after their append (a backlog
/// after a takeover, a refill after broker loss). Without any notification it still looks every
/// <see cref="KafkaOptions.IdleLookInterval"/>, for events whose notification was lost; each look costs an idle member
/// CPU, so they are rare. <paramref name="endMatters"/> says whether a partition still waits for its end, which only a
/// fetch reports. Used from the poll thread only.
/// </summary>
internal sealed class IdleMemberPause(
    IConsumer<string, byte[]> consumer, GroupMember member, Predicate<TopicPartition> endMatters, AppendSignal appended, TimeSpan lookEvery)
{
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);
    // How long a look lasts: a few fetches.
    private static readonly TimeSpan LookFor = TimeSpan.FromMilliseconds(50);
    // How often a paused member serves librdkafka's callbacks (a rebalance) while it waits for an append.
    private static readonly TimeSpan PausedWait = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<TopicPartition> _pausedBefore = [];
    private bool _paused;
    private long _appendsSeen = appended.Count;
    private long _busyUntil = Environment.TickCount64 + (long)IdleAfter.TotalMilliseconds;
    private long _pausedAt;

    public bool Paused => _paused;

    /// <summary>
    /// Called from the rebalance callback with the partitions just assigned: they fetch at once, even if this member had
    /// paused them before they were taken away (librdkafka keeps a partition's pause across assignments).
    /// </summary>
    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        // Only those: librdkafka refuses to resume a partition this member has not known.
        var pausedBefore = partitions.Where(_pausedBefore.Contains).ToList();
        if (pausedBefore.Count > 0)
        {
            consumer.Resume(pausedBefore);
        }

        Wake(IdleAfter);
    }

    /// <summary>
    /// Before each poll: pauses a member idle for long enough, resumes it after an append or for a look, and while it
    /// stays paused waits a short while for an append.
    /// </summary>
    public void BeforePoll(CancellationToken stopping)
    {
        PauseOrResume();
        if (_paused)
        {
            WaitForAppend(stopping);
        }
    }

    /// <summary>Called when a message arrives: the member stays busy a while longer.</summary>
    public void Fetched() => Wake(IdleAfter);

    private void PauseOrResume()
    {
        var now = Environment.TickCount64;
        var appends = appended.Count;
        if (appends != _appendsSeen)
        {
            _appendsSeen = appends;
            Wake(IdleAfter);
        }
        else if (_paused && now - _pausedAt >= lookEvery.TotalMilliseconds)
        {
            Wake(LookFor);
        }
        else if (!_paused && now >= _busyUntil)
        {
            var assigned = consumer.Assignment;
            // A partition still being caught up waits for its end, which only a fetch reports.
            if (assigned.Count > 0 && !assigned.Exists(endMatters))
            {
                consumer.Pause(assigned);
                _pausedBefore.UnionWith(assigned);
                _paused = true;
                _pausedAt = now;
            }
        }
    }

    // Consume could wait too, but nothing but a message cuts its wait short. A stop ends the wait as an append does, so
    // that the member leaves its group at once.
    private void WaitForAppend(CancellationToken stopping) => appended.WaitBeyond(_appendsSeen, PausedWait, stopping);

    /// <summary>Fetches again, if paused, and for at least <paramref name="atLeast"/> from now.</summary>
    private void Wake(TimeSpan atLeast)
    {
        var now = Environment.TickCount64;
        _busyUntil = Math.Max(_busyUntil, now + (long)atLeast.TotalMilliseconds);
        if (_paused)
        {
            var assigned = consumer.Assignment;
            consumer.Resume(assigned);
            _paused = false;
            WakeFetchers(assigned);
        }
    }

    // librdkafka does not wake a broker's fetcher when partitions resume: it would fetch only when its thread wakes for
    // something else, up to a second later. A request to the partitions' leaders (one round trip) wakes them.
    private void WakeFetchers(List<TopicPartition> partitions)
    {
        try
        {
            var now = new Timestamp(DateTime.UtcNow);
            consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, now)), TimeSpan.FromSeconds(1));
        }
        catch (KafkaException e)
        {
            member.Logger.LogDebug("Kafka consumer group {Group} could not wake its fetchers: {Reason}", member.Group, e.Error.Reason);
        }
    }
}
