using System.Threading.Channels;
using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Polls one consumer group's consumer on a thread of its own (<c>Consume</c> blocks) and queues what arrives for the
/// batch handler, which works asynchronously. librdkafka runs rebalance callbacks and its commits inside <c>Consume</c>
/// and <c>Close</c>, so this thread is also where partitions change hands and where the group is left.
/// </summary>
/// <remarks>
/// A member that has had nothing to do for <see cref="IdleAfter"/> pauses its partitions: a broker answers a fetch
/// with nothing only after <c>fetch.wait.max.ms</c>, so an idle member would otherwise fetch many times a second for
/// good. An append anywhere
/// (<see cref="AppendSignal"/>) resumes it before the relay has sent the events, and the relay notifies again when it
/// sends events long after their append (a backlog after a takeover, a refill after broker loss). Without any
/// notification it still looks every <see cref="KafkaOptions.IdleLookInterval"/>, for events whose notification was lost;
/// each look costs an idle member CPU, so they are rare.
/// </remarks>
internal sealed class KafkaPollLoop
{
    // The handler keeps up unless the database is slow; beyond this much queued, polling pauses.
    private const int MaxQueued = 2000;
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(1);
    // How long a look lasts: a few fetches.
    private static readonly TimeSpan LookFor = TimeSpan.FromMilliseconds(50);
    // How often a paused member serves librdkafka's callbacks (a rebalance) while it waits for an append.
    private static readonly TimeSpan PausedWait = TimeSpan.FromMilliseconds(100);

    private readonly IConsumer<string, byte[]> _consumer;
    private readonly string _group;
    private readonly ILogger _logger;
    private readonly Predicate<TopicPartition> _endMatters;
    // Not SingleReader: only the multi-reader channel can count what it holds.
    private readonly Channel<Fetched> _received = Channel.CreateUnbounded<Fetched>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly PartitionOwnership _ownership;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly AppendSignal _appended;
    private readonly TimeSpan _lookEvery;
    private readonly object _appendHeard = new();
    private readonly HashSet<TopicPartition> _pausedBefore = [];
    private bool _paused;
    private long _appendsSeen;
    private long _busyUntil;
    private long _pausedAt;

    /// <summary>Starts polling. <paramref name="endMatters"/> says whether the end of a partition is queued too (the consumer reports each one).</summary>
    public KafkaPollLoop(
        IConsumer<string, byte[]> consumer,
        string group,
        Predicate<TopicPartition> endMatters,
        PartitionOwnership ownership,
        AppendSignal appended,
        TimeSpan lookEvery,
        ILogger logger)
    {
        _consumer = consumer;
        _ownership = ownership;
        _group = group;
        _endMatters = endMatters;
        _appended = appended;
        _lookEvery = lookEvery;
        _logger = logger;
        _appendsSeen = appended.Count;
        _busyUntil = Environment.TickCount64 + (long)IdleAfter.TotalMilliseconds;
        appended.Heard += OnAppendHeard;
        new Thread(Run) { IsBackground = true, Name = $"kafka-poll-{group}" }.Start();
    }

    /// <summary>Messages in the order they were fetched, each partition's in offset order, and the ends that matter.</summary>
    public ChannelReader<Fetched> Received => _received.Reader;

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
            _consumer.Resume(pausedBefore);
        }

        Wake(IdleAfter);
    }

    /// <summary>Stops polling and closes the consumer: stored offsets are committed and the group is left at once.</summary>
    public Task StopAsync()
    {
        _stopping.Cancel();
        return _closed.Task;
    }

    private void Run()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (_received.Reader.Count >= MaxQueued)
                {
                    _stopping.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(10));
                    continue;
                }

                PauseOrResume();
                if (_paused)
                {
                    WaitForAppend();
                }

                var message = Poll();
                if (message is null)
                {
                    continue;
                }

                if (!message.IsPartitionEOF)
                {
                    Wake(IdleAfter);
                    _received.Writer.TryWrite(new Fetched(message, _ownership.Epoch));
                }
                else if (_endMatters(message.TopicPartition))
                {
                    _received.Writer.TryWrite(new Fetched(message, _ownership.Epoch));
                }
            }

            _received.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "Consumer group {Group} stopped polling", _group);
            _received.Writer.TryComplete(e);
        }
        finally
        {
            Close();
        }
    }

    private void PauseOrResume()
    {
        var now = Environment.TickCount64;
        var appends = _appended.Count;
        if (appends != _appendsSeen)
        {
            _appendsSeen = appends;
            Wake(IdleAfter);
        }
        else if (_paused && now - _pausedAt >= _lookEvery.TotalMilliseconds)
        {
            Wake(LookFor);
        }
        else if (!_paused && now >= _busyUntil)
        {
            var assigned = _consumer.Assignment;
            // A partition still being caught up waits for its end, which only a fetch reports.
            if (assigned.Count > 0 && !assigned.Exists(_endMatters))
            {
                _consumer.Pause(assigned);
                _pausedBefore.UnionWith(assigned);
                _paused = true;
                _pausedAt = now;
            }
        }
    }

    // Consume could wait too, but nothing but a message cuts its wait short.
    private void WaitForAppend()
    {
        lock (_appendHeard)
        {
            if (_appended.Count == _appendsSeen && !_stopping.IsCancellationRequested)
            {
                Monitor.Wait(_appendHeard, PausedWait);
            }
        }
    }

    private void OnAppendHeard()
    {
        lock (_appendHeard)
        {
            Monitor.PulseAll(_appendHeard);
        }
    }

    /// <summary>Fetches again, if paused, and for at least <paramref name="atLeast"/> from now.</summary>
    private void Wake(TimeSpan atLeast)
    {
        var now = Environment.TickCount64;
        _busyUntil = Math.Max(_busyUntil, now + (long)atLeast.TotalMilliseconds);
        if (_paused)
        {
            var assigned = _consumer.Assignment;
            _consumer.Resume(assigned);
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
            _consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, now)), TimeSpan.FromSeconds(1));
        }
        catch (KafkaException e)
        {
            _logger.LogDebug("Kafka consumer group {Group} could not wake its fetchers: {Reason}", _group, e.Error.Reason);
        }
    }

    private ConsumeResult<string, byte[]>? Poll()
    {
        try
        {
            return _consumer.Consume(_paused ? TimeSpan.Zero : PollTimeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _logger.LogWarning("Kafka consumer group {Group} could not fetch: {Reason}", _group, e.Error.Reason);
            _stopping.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            return null;
        }
    }

    private void Close()
    {
        _appended.Heard -= OnAppendHeard;
        try
        {
            _consumer.Close();
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Kafka consumer group {Group} did not close cleanly: {Reason}", _group, e.Error.Reason);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
