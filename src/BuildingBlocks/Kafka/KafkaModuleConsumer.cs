using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Messaging;
using Confluent.Kafka;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bank.BuildingBlocks.Kafka;

/// <summary>
/// One module's consumer group: reads the topics of the events its consumers handle and feeds each
/// message to them through MassTransit (<see cref="ModuleDispatcher"/>). Messages are taken a batch at
/// a time, handled in partition order, and the batch's query-model changes written in one transaction.
/// An offset is committed only once its message and every earlier one of the partition are finished:
/// periodically, when partitions are revoked and at shutdown. A message whose consumers still fail after
/// their retries, or that cannot be read, goes to <c>{topic}.dlt</c> with error headers; only then does the
/// partition move on. Nothing is skipped silently.
/// </summary>
public sealed class KafkaModuleConsumer(
    string module,
    KafkaCluster cluster,
    IOptions<KafkaOptions> kafkaOptions,
    ModuleDispatchers dispatchers,
    EventTypeRegistry eventTypes,
    DeadLetterPublisher deadLetters,
    IDocumentStore store,
    ILogger<KafkaModuleConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);
    private const int MaxBatch = 500;

    private readonly KafkaOptions _options = kafkaOptions.Value;
    private readonly string _groupId = kafkaOptions.Value.GroupOf(module);

    // Next offset to commit, and the global position of the last finished event, per partition.
    private readonly Dictionary<TopicPartition, (Offset Next, long Position)> _finished = [];
    private readonly HashSet<TopicPartition> _uncommitted = [];
    private DateTime _nextCommit = DateTime.UtcNow + CommitInterval;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume() blocks: give the loop a thread of its own rather than a pool thread.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var dispatcher = dispatchers.Get(module);
        var topics = dispatcher.MessageTypes.Select(t => _options.TopicFor(eventTypes.Get(t).AggregateType)).Distinct().ToList();
        using var consumer = new ConsumerBuilder<string, byte[]>(ConsumerConfig())
            .SetLogHandler((_, message) => KafkaLog.Write(logger, message))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer group {Group}: {Reason}", _groupId, error.Reason))
            .SetPartitionsRevokedHandler((c, revoked) =>
            {
                var partitions = revoked.Select(p => p.TopicPartition).ToList();
                Commit(c, partitions);
                Forget(partitions);
            })
            .SetPartitionsLostHandler((_, lost) => Forget(lost.Select(p => p.TopicPartition)))
            .Build();
        consumer.Subscribe(topics);
        logger.LogInformation("Module {Module} consumes {Topics} in consumer group {Group}", module, string.Join(", ", topics), _groupId);

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ConsumeBatch(consumer, stoppingToken);
                if (batch.Count > 0)
                {
                    await HandleBatchAsync(consumer, dispatcher, batch, stoppingToken);
                }

                if (DateTime.UtcNow >= _nextCommit)
                {
                    Commit(consumer, _uncommitted.ToList());
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what was finished is committed below.
        }
        finally
        {
            Commit(consumer, _uncommitted.ToList());
            consumer.Close();
        }
    }

    /// <summary>Waits briefly for a first message, then takes what has already arrived, up to a batch.</summary>
    private List<ConsumeResult<string, byte[]>> ConsumeBatch(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<string, byte[]>>();
        try
        {
            for (var wait = TimeSpan.FromMilliseconds(250); batch.Count < MaxBatch; wait = TimeSpan.Zero)
            {
                if (consumer.Consume(wait) is not { } result)
                {
                    break;
                }

                batch.Add(result);
            }
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            logger.LogWarning("Kafka consumer group {Group} could not fetch: {Reason}", _groupId, e.Error.Reason);
            if (batch.Count == 0)
            {
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }

        return batch;
    }

    /// <summary>
    /// Handles a batch in one <see cref="ModuleBatch"/>, each key in order, and writes its query-model
    /// changes in one transaction; then moves each partition's finished offset up to its first unfinished
    /// message, from where the partition is read again. A batch whose changes could not be written is
    /// read again whole: applying an event twice changes nothing.
    /// </summary>
    private async Task HandleBatchAsync(
        IConsumer<string, byte[]> consumer, ModuleDispatcher dispatcher, List<ConsumeResult<string, byte[]>> batch, CancellationToken stoppingToken)
    {
        var done = new HashSet<ConsumeResult<string, byte[]>>();
        try
        {
            // Keys are stream ids; a foreign message's key that is not one has no view to load.
            await using var moduleBatch = dispatcher.BeginBatch(
                batch.Select(m => Guid.TryParse(m.Message.Key, out var id) ? id : (Guid?)null).OfType<Guid>());
            try
            {
                await DispatchAsync(moduleBatch, dispatcher, batch, done, stoppingToken);
            }
            finally
            {
                // Also when the host stops mid-batch: what finished is written, so only the rest is delivered again.
                await moduleBatch.SaveAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Consumer group {Group} could not write the query models of a batch of {Count}; it is read again", _groupId, batch.Count);
            done.Clear();
        }
        finally
        {
            RecordFinished(consumer, batch, done, rereadUnfinished: !stoppingToken.IsCancellationRequested);
        }

        if (done.Count < batch.Count)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    /// <summary>Dispatches the batch in partition order; later messages of a key wait for an unfinished one, to keep their order.</summary>
    private async Task DispatchAsync(
        ModuleBatch moduleBatch,
        ModuleDispatcher dispatcher,
        List<ConsumeResult<string, byte[]>> batch,
        HashSet<ConsumeResult<string, byte[]>> done,
        CancellationToken stoppingToken)
    {
        var stalledKeys = new HashSet<(string Topic, int Partition, string? Key)>();
        foreach (var message in batch)
        {
            var key = (message.Topic, message.Partition.Value, message.Message.Key);
            if (stalledKeys.Contains(key) || !await HandleAsync(moduleBatch, dispatcher, message, stoppingToken))
            {
                stalledKeys.Add(key);
                continue;
            }

            done.Add(message);
        }
    }

    private void RecordFinished(
        IConsumer<string, byte[]> consumer,
        List<ConsumeResult<string, byte[]>> batch,
        HashSet<ConsumeResult<string, byte[]>> done,
        bool rereadUnfinished)
    {
        foreach (var partition in batch.GroupBy(m => m.TopicPartition))
        {
            var ordered = partition.OrderBy(m => m.Offset.Value).ToList();
            var finished = ordered.TakeWhile(done.Contains).ToList();
            if (finished.Count > 0)
            {
                var position = finished.Select(m => PositionOf(m.Message)).LastOrDefault(p => p is not null) ?? PreviousPosition(partition.Key);
                _finished[partition.Key] = (finished[^1].Offset + 1, position);
                _uncommitted.Add(partition.Key);
            }

            if (rereadUnfinished && finished.Count < ordered.Count)
            {
                consumer.Seek(ordered[finished.Count].TopicPartitionOffset);
            }
        }
    }

    /// <summary>True when the message is finished: handled, passed over, or in the dead-letter topic.</summary>
    private async Task<bool> HandleAsync(
        ModuleBatch batch, ModuleDispatcher dispatcher, ConsumeResult<string, byte[]> result, CancellationToken stoppingToken)
    {
        var headers = result.Message.Headers?.ToDictionary(h => h.Key, h => (object)Encoding.UTF8.GetString(h.GetValueBytes()))
            ?? [];
        var typeName = headers.GetValueOrDefault(KafkaHeaderNames.MessageType) as string;
        if (typeName is null || !eventTypes.TryGet(typeName, out var eventType) || !dispatcher.Consumes(eventType.ClrType))
        {
            // Events this module does not consume are passed over, as a consumer group should.
            return true;
        }

        var info = new KafkaMessageInfo(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key);
        try
        {
            await batch.DispatchAsync(eventType.ClrType, result.Message.Value ?? [], headers, MessageIdOf(headers, info), info, stoppingToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogError(
                e,
                "Consumer group {Group} failed on {Type} at {Topic}[{Partition}]@{Offset} after its retries; sending it to the dead-letter topic",
                _groupId,
                typeName,
                result.Topic,
                result.Partition.Value,
                result.Offset.Value);
            // Not even dead-lettered: it is read again rather than moved past.
            return await deadLetters.TryPublishAsync(result, _groupId, e, stoppingToken);
        }
    }

    private void Commit(IConsumer<string, byte[]> consumer, IEnumerable<TopicPartition> partitions)
    {
        _nextCommit = DateTime.UtcNow + CommitInterval;
        var toCommit = partitions.Where(_uncommitted.Contains).Select(p => (Partition: p, Finished: _finished[p])).ToList();
        if (toCommit.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(toCommit.Select(p => new TopicPartitionOffset(p.Partition, p.Finished.Next)));
            _uncommitted.ExceptWith(toCommit.Select(p => p.Partition));
            RecordPositions(toCommit);
        }
        catch (KafkaException e)
        {
            // Uncommitted messages are delivered again later; projections ignore what they already applied.
            logger.LogWarning("Consumer group {Group} could not commit offsets: {Reason}", _groupId, e.Error.Reason);
        }
    }

    private void RecordPositions(List<(TopicPartition Partition, (Offset Next, long Position) Finished)> committed)
    {
        try
        {
            using var session = store.LightweightSession();
            session.Store(committed
                .Where(p => p.Finished.Position > 0)
                .Select(p => new ConsumerPosition(
                    ConsumerPosition.IdOf(_groupId, p.Partition.Topic, p.Partition.Partition.Value),
                    _groupId,
                    p.Partition.Topic,
                    p.Partition.Partition.Value,
                    p.Finished.Position))
                .ToArray());
            // Called from librdkafka's rebalance callback too, which is synchronous; this is the consume loop's own thread.
            session.SaveChangesAsync().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort, and the database may be away (Marten wraps or disposes what Npgsql threw): never stop the group for it.
            logger.LogWarning(e, "Consumer group {Group} could not record its positions; they are recorded with the next commit", _groupId);
        }
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _finished.Remove(partition);
            _uncommitted.Remove(partition);
        }
    }

    private long PreviousPosition(TopicPartition partition) =>
        _finished.TryGetValue(partition, out var finished) ? finished.Position : 0;

    private static long? PositionOf(Message<string, byte[]> message) =>
        message.Headers?.TryGetLastBytes(KafkaHeaderNames.GlobalPosition, out var bytes) == true
        && long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    /// <summary>The event's id, or for a foreign message one derived from its coordinates, so a redelivery keeps its id.</summary>
    private static Guid MessageIdOf(Dictionary<string, object> headers, KafkaMessageInfo info)
    {
        if (headers.GetValueOrDefault(KafkaHeaderNames.EventId) is string text && Guid.TryParse(text, out var eventId))
        {
            return eventId;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{info.Topic}/{info.Partition}/{info.Offset}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private ConsumerConfig ConsumerConfig()
    {
        var config = new ConsumerConfig(cluster.ClientProperties())
        {
            GroupId = _groupId,
            ClientId = $"bank-{module}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Low latency when idle: the broker answers a fetch within 50 ms even without new data.
            FetchWaitMaxMs = 50,
        };
        if (cluster.Embedded is not null)
        {
            // The embedded broker keeps a left group's members until their session times out:
            // a short session lets a restarted host rejoin within seconds.
            config.SessionTimeoutMs = 3000;
            config.HeartbeatIntervalMs = 1000;
        }

        foreach (var (key, value) in _options.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }
}
