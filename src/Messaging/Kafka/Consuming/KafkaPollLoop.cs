using System.Threading.Channels;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Polls one consumer group's consumer on a thread of its own (<c>Consume</c> blocks) and queues what arrives for the
/// batch handler, which works asynchronously. librdkafka runs rebalance callbacks and its commits inside <c>Consume</c>
/// and <c>Close</c>, so this thread is also where partitions change hands and where the group is left. An idle member
/// stops fetching (<see cref="IdleMemberPause"/>). <paramref name="endMatters"/> says whether the end of a partition is
/// queued too (the consumer reports each one).
/// </summary>
internal sealed class KafkaPollLoop(
    IConsumer<string, byte[]> consumer, GroupMember member, Predicate<TopicPartition> endMatters, PartitionOwnership ownership, IdleMemberPause idle)
{
    // The handler keeps up unless the database is slow; beyond this much queued, polling pauses.
    private const int MaxQueued = 2000;
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    // Not SingleReader: only the multi-reader channel can count what it holds.
    private readonly Channel<Fetched> _received = Channel.CreateUnbounded<Fetched>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Messages in the order they were fetched, each partition's in offset order, and the ends that matter.</summary>
    public ChannelReader<Fetched> Received => _received.Reader;

    /// <summary>Starts polling, on a thread of its own.</summary>
    public void Start() => new Thread(Run) { IsBackground = true, Name = $"kafka-poll-{member.Group}" }.Start();

    /// <summary>Called from the rebalance callback with the partitions just assigned: they fetch at once.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions) => idle.Assigned(partitions);

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

                idle.BeforePoll(_stopping.Token);

                var message = Poll();
                if (message is null)
                {
                    continue;
                }

                if (!message.IsPartitionEOF)
                {
                    idle.Fetched();
                    _received.Writer.TryWrite(new Fetched(message, ownership.Epoch));
                }
                else if (endMatters(message.TopicPartition))
                {
                    _received.Writer.TryWrite(new Fetched(message, ownership.Epoch));
                }
            }

            _received.Writer.TryComplete();
        }
        catch (Exception e)
        {
            member.Logger.LogCritical(e, "Consumer group {Group} stopped polling", member.Group);
            _received.Writer.TryComplete(e);
        }
        finally
        {
            Close();
        }
    }

    private ConsumeResult<string, byte[]>? Poll()
    {
        try
        {
            return consumer.Consume(idle.Paused ? TimeSpan.Zero : PollTimeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            member.Logger.LogWarning("Kafka consumer group {Group} could not fetch: {Reason}", member.Group, e.Error.Reason);
            _stopping.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            return null;
        }
    }

    private void Close()
    {
        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            member.Logger.LogWarning("Kafka consumer group {Group} did not close cleanly: {Reason}", member.Group, e.Error.Reason);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
