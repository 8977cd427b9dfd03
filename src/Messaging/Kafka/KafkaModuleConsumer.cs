using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Telemetry;
using Confluent.Kafka;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bank.Messaging.Kafka;

/// <summary>
/// One module's consumer group: the topics of the events its consumers handle, polled by a
/// <see cref="KafkaPollLoop"/>, handled by a <see cref="KafkaBatchHandler"/>, committed through
/// <see cref="PartitionProgress"/>. Ordering per partition (so per key) is kept throughout.
/// </summary>
internal sealed class KafkaModuleConsumer(
    string module,
    KafkaCluster cluster,
    IOptions<KafkaOptions> kafkaOptions,
    ModuleEventHandlers handlers,
    EventTypeRegistry eventTypes,
    DeadLetterPublisher deadLetters,
    IDocumentStore store,
    MessagingMetrics metrics,
    ILogger<KafkaModuleConsumer> logger) : BackgroundService
{
    private readonly KafkaOptions _options = kafkaOptions.Value;
    private readonly string _group = kafkaOptions.Value.GroupOf(module);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handler = handlers.Get(module);
        var topics = handler.EventTypes.Select(t => _options.TopicFor(eventTypes.Get(t).AggregateType)).Distinct().ToList();
        using var consumer = new ConsumerBuilder<string, byte[]>(ConsumerConfig())
            .SetLogHandler((_, message) => KafkaLog.Write(logger, message))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer group {Group}: {Reason}", _group, error.Reason))
            .SetStatisticsHandler((_, statistics) => metrics.ConsumerLag(_group, ConsumerLagStatistics.Read(statistics)))
            .Build();
        consumer.Subscribe(topics);
        logger.LogInformation("Module {Module} consumes {Topics} in consumer group {Group}", module, string.Join(", ", topics), _group);

        var poll = new KafkaPollLoop(consumer, _group, logger);
        var progress = new PartitionProgress(consumer, _group, store, logger);
        try
        {
            await new KafkaBatchHandler(_group, handler, eventTypes, deadLetters, progress, logger).RunAsync(poll.Received, stoppingToken);
        }
        finally
        {
            // The handler has stored what finished: closing commits it and leaves the group.
            await poll.StopAsync();
            await progress.RecordPositionsAsync(now: true, CancellationToken.None);
        }
    }

    private ConsumerConfig ConsumerConfig()
    {
        var config = new ConsumerConfig(cluster.ClientProperties())
        {
            GroupId = _group,
            ClientId = $"bank-{module}",
            // librdkafka commits, every second, only the offsets stored for finished messages (PartitionProgress).
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Low latency when idle: the broker answers a fetch within 50 ms even without new data.
            FetchWaitMaxMs = 50,
            // Each partition's consumer lag, for /metrics.
            StatisticsIntervalMs = 1000,
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
