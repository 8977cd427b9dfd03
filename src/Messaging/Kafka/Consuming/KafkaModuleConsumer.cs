using Bank.Messaging.Dispatch;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Parking;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

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
    ConsumerGroups groups,
    ConsumerGroupState groupState,
    EventTypeRegistry eventTypes,
    DeadLetterPublisher deadLetters,
    EventStoreCheck storeCheck,
    ParkedMessages parked,
    AppendSignal appended,
    MessagingMetrics metrics,
    TimeProvider time,
    IDocumentStore store,
    ILogger<KafkaModuleConsumer> logger) : BackgroundService
{
    // A real cluster accepts session timeouts from 6 s (group.min.session.timeout.ms): a dead member's partitions
    // move after that long, not librdkafka's default 45 s. Heartbeats every 1.5 s tell survivors of a rebalance soon.
    private const int SessionTimeoutMs = 6000;
    private const int HeartbeatIntervalMs = 1500;

    // How long a hand-over waits for the batch being handled: well within a rebalance, long enough for a batch's writes.
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(10);

    private readonly KafkaOptions _options = kafkaOptions.Value;
    private readonly string _group = kafkaOptions.Value.GroupOf(module);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var topics = groups.Of(module).Topics;
        // Known before the API answers, so that /health does not call the instance ready before its members have joined.
        foreach (var topic in topics)
        {
            groupState.Joining(_group, topic);
        }

        return Task.WhenAll(topics.Select(topic => Task.Run(() => ConsumeAsync(topic, stoppingToken), CancellationToken.None)));
    }

    // One member per topic: the cooperative-sticky assignor balances partitions by count over a member's topics, so a
    // member of both topics could get every events_Account partition and another member none; per topic, each gets its share.
    private async Task ConsumeAsync(string topic, CancellationToken stoppingToken)
    {
        try
        {
            await cluster.TopicsReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var config = ConsumerConfig(topic);
        var log = new KafkaLog(logger);
        KafkaBatchHandler? batches = null;
        PartitionCatchUp? catchUp = null;
        KafkaPollLoop? poll = null;
        PartitionProgress? progress = null;
        using var ownership = new PartitionOwnership();

        // A broker that comes back may have lost its contents and hold a new log: nothing read before is trusted after.
        void ConnectionLost()
        {
            var epoch = ownership.ConnectionLost();
            progress?.ConnectionLost();
            catchUp?.ConnectionLost(epoch);
        }

        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) =>
            {
                log.Write(message);
                // librdkafka hands a dropped connection to the error handler only when it deems it an error, and a broker
                // that is back before the reconnection gives none; it logs every one as FAIL, on the connection's own
                // thread, before that thread reconnects and fetches again.
                if (message.Facility == "FAIL")
                {
                    ConnectionLost();
                }
            })
            .SetErrorHandler((_, error) =>
            {
                log.Error($"Kafka consumer group {_group}", error);
                if (error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
                {
                    ConnectionLost();
                }
            })
            .SetStatisticsHandler((_, statistics) => groupState.MemberStatistics(_group, topic, statistics))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                Log("gets", partitions);
                groupState.Assigned(_group, topic, partitions.Select(p => p.Partition.Value).ToList());
                ownership.Assigned();
                poll?.Assigned(partitions);
                batches?.PartitionsAssigned();
                catchUp?.Assigned(partitions, ownership.Epoch);
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                var handedOver = partitions.Select(p => p.TopicPartition).ToList();
                Log("hands over", handedOver);
                groupState.Released(_group, topic, handedOver.Select(p => p.Partition.Value).ToList());
                catchUp?.Revoked(handedOver);
                // What finished is committed before the new owner starts, which begins right after it (unless the cluster refused the commit).
                ownership.GiveUp(handedOver, HandOverWait, then: () => progress?.HandOver(handedOver));
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                var lost = partitions.Select(p => p.TopicPartition).ToList();
                Log("lost", lost);
                groupState.Released(_group, topic, lost.Select(p => p.Partition.Value).ToList());
                catchUp?.Revoked(lost);
                ownership.GiveUp(lost, HandOverWait, then: () => progress?.Lost(lost));
            })
            .Build();
        consumer.Subscribe(topic);
        logger.LogInformation(
            "Module {Module} consumes {Topic} in consumer group {Group} (session timeout {SessionTimeoutMs} ms)", module, topic, _group, config.SessionTimeoutMs);

        var handler = handlers.Get(module);
        var typesOfTopic = handler.EventTypes.Where(type => _options.TopicFor(eventTypes.Get(type).AggregateType) == topic).ToArray();
        var member = new GroupMember(_group, topic, handler, typesOfTopic, logger);
        progress = new PartitionProgress(consumer, _group, store, logger);
        catchUp = new PartitionCatchUp(consumer, member, new CatchUpFromStore(member, eventTypes, cluster, store, progress, groupState, metrics));
        var parkedKeys = new ParkedKeys(member, parked, deadLetters, time);
        var attempt = new BatchAttempt(member, eventTypes, _options.CheckEventsAgainstStore ? storeCheck : null, parkedKeys, metrics);
        batches = new KafkaBatchHandler(attempt, parkedKeys, progress, catchUp, ownership);
        var idle = new IdleMemberPause(consumer, _group, catchUp.Awaits, appended, _options.IdleLookInterval, logger);
        poll = new KafkaPollLoop(consumer, _group, catchUp.Awaits, ownership, idle, logger);
        poll.Start();
        try
        {
            await batches.RunAsync(poll.Received, stoppingToken);
        }
        finally
        {
            // What finished is committed and recorded before the group is left.
            using (await ownership.HandlingAsync(CancellationToken.None))
            {
                await progress.SaveAsync(now: true, CancellationToken.None);
            }

            await poll.StopAsync();
            groupState.MemberLeft(_group, topic);
        }
    }

    // Cooperative rebalancing: only the partitions that move are named, and the others keep flowing meanwhile.
    private void Log(string what, IEnumerable<TopicPartition> partitions)
    {
        if (partitions.Any())
        {
            logger.LogInformation("Consumer group {Group} {What} {Partitions}", _group, what, string.Join(", ", partitions));
        }
    }

    private ConsumerConfig ConsumerConfig(string topic)
    {
        var config = new ConsumerConfig(cluster.ClientProperties())
        {
            GroupId = _group,
            ClientId = $"bank-{module}-{topic}",
            // Only finished messages are committed, by PartitionProgress.
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // The end of a partition just assigned bounds what it may have lost to retention (PartitionCatchUp).
            EnablePartitionEof = true,
            // A broker answers a fetch as soon as data arrives, or after this long without any.
            FetchWaitMaxMs = 50,
            // Whether this member is joined or rebalancing, for /health.
            StatisticsIntervalMs = 1000,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            SessionTimeoutMs = SessionTimeoutMs,
            HeartbeatIntervalMs = HeartbeatIntervalMs,
        };
        if (cluster.Embedded is not null)
        {
            // The embedded broker waits a session timeout less one second in every rebalance, even for a member that
            // left, and starts the wait again for each member that joins after it: a short session for this host's own,
            // where no network can delay heartbeats, and heartbeats often enough that every member rejoins within it.
            config.SessionTimeoutMs = 2000;
            config.HeartbeatIntervalMs = 250;
            // It drops a member whose join it held past the session, without an answer; the member waits for one until
            // max.poll.interval.ms (5 minutes by default) has passed. The hand-over of a batch takes at most 10 s.
            config.MaxPollIntervalMs = 15000;
            // It also holds every fetch for the whole wait, even when data arrives meanwhile: a shorter wait is
            // fresher, at the cost of more fetches while idle.
            config.FetchWaitMaxMs = 10;
        }

        foreach (var (key, value) in _options.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }
}
