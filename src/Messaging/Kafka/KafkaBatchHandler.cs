using System.Threading.Channels;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Events;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Takes what the poll loop queued, a batch at a time, and hands it to the module's event handler. A message
/// whose consumers still fail after their retries, or that cannot be read, goes to <c>{topic}.dlt</c>; a batch
/// whose query models could not be written is handled again, until it is or the host stops. Only then does
/// <see cref="PartitionProgress"/> move the partitions on: nothing is skipped silently.
/// </summary>
internal sealed class KafkaBatchHandler(
    string group,
    ModuleEventHandler module,
    EventTypeRegistry eventTypes,
    DeadLetterPublisher deadLetters,
    PartitionProgress progress,
    ILogger logger)
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public async Task RunAsync(ChannelReader<ConsumeResult<string, byte[]>> received, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<string, byte[]>>(MaxBatch);
        try
        {
            while (await received.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && received.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await HandleUntilFinishedAsync(batch, stoppingToken);
                await progress.RecordPositionsAsync(now: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what finished is stored; the rest is delivered again to whoever reads the partition next.
        }
    }

    private async Task HandleUntilFinishedAsync(List<ConsumeResult<string, byte[]>> batch, CancellationToken stoppingToken)
    {
        var finished = new HashSet<ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
        try
        {
            for (var backoff = TimeSpan.FromMilliseconds(200); ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks)))
            {
                await HandleAsync(batch.Where(m => !finished.Contains(m)).ToList(), finished, stoppingToken);
                if (finished.Count == batch.Count || stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(backoff, stoppingToken);
            }
        }
        finally
        {
            progress.Finished(batch, finished);
        }
    }

    /// <summary>One attempt at the messages; adds those finished (handled, passed over, or dead-lettered) to <paramref name="finished"/>.</summary>
    private async Task HandleAsync(
        List<ConsumeResult<string, byte[]>> messages, HashSet<ConsumeResult<string, byte[]>> finished, CancellationToken stoppingToken)
    {
        var events = new List<ReceivedEvent>(messages.Count);
        var messageOf = new Dictionary<ReceivedEvent, ConsumeResult<string, byte[]>>(ReferenceEqualityComparer.Instance);
        var waitingKeys = new HashSet<(TopicPartition, string?)>();
        foreach (var message in messages)
        {
            if (waitingKeys.Contains((message.TopicPartition, message.Message.Key)))
            {
                continue;
            }

            var read = KafkaEventReader.Read(message, eventTypes);
            if (read.Event is { } e && module.Consumes(e.Type.ClrType))
            {
                events.Add(e);
                messageOf[e] = message;
            }
            else if (read.Problem is { } problem && !await DeadLetterAsync(message, new InvalidDataException(problem), stoppingToken))
            {
                waitingKeys.Add((message.TopicPartition, message.Message.Key));
            }
            else
            {
                // Dead-lettered, or an event this module does not consume: passed over, as a consumer group should.
                finished.Add(message);
            }
        }

        try
        {
            var handled = await module.HandleAsync(events, (e, error, token) => DeadLetterAsync(messageOf[e], error, token), stoppingToken);
            finished.UnionWith(handled.Select(e => messageOf[e]));
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Consumer group {Group} could not write the query models of a batch of {Count}; it is handled again", group, events.Count);
        }
    }

    /// <summary>True once the dead-letter topic holds the message; until then it is not moved past.</summary>
    private async Task<bool> DeadLetterAsync(ConsumeResult<string, byte[]> message, Exception error, CancellationToken stoppingToken)
    {
        logger.LogError(
            "Consumer group {Group} sends {Topic}[{Partition}]@{Offset} to the dead-letter topic: {Error}",
            group,
            message.Topic,
            message.Partition.Value,
            message.Offset.Value,
            error.Message);
        return await deadLetters.TryPublishAsync(message, group, error, stoppingToken);
    }
}
