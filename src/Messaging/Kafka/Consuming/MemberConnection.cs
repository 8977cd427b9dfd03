using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// How a member of a module's consumer group meets the cluster: its client settings, its consumer, whose callbacks go to
/// the member's parts and to the groups' state that /health reports, and the loop that polls it.
/// </summary>
internal sealed class MemberConnection(
    KafkaCluster cluster, IOptions<KafkaOptions> options, ConsumerGroupState groupState, AppendSignal appended)
{
    // A real cluster accepts session timeouts from 6 s (group.min.session.timeout.ms): a dead member's partitions
    // move after that long, not librdkafka's default 45 s. Heartbeats every 1.5 s tell survivors of a rebalance soon.
    private const int SessionTimeoutMs = 6000;
    private const int HeartbeatIntervalMs = 1500;

    /// <summary>Completes once the product's topics exist.</summary>
    public Task TopicsReady => cluster.TopicsReady;

    /// <summary>Known before the API answers, so that /health does not call the instance ready before its members have joined.</summary>
    public void Joining(GroupMember member) => groupState.Joining(member.Group, member.Topic);

    public void Left(GroupMember member) => groupState.MemberLeft(member.Group, member.Topic);

    /// <summary>The member's consumer, subscribed to its topic and not polled yet.</summary>
    public IConsumer<string, byte[]> Open(string module, GroupMember member, MemberParts parts)
    {
        var config = ConsumerConfig(module, member);
        var log = new KafkaLog(member.Logger);
        var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) =>
            {
                log.Write(message);
                // librdkafka hands a dropped connection to the error handler only when it deems it an error, and a broker
                // that is back before the reconnection gives none; it logs every one as FAIL, on the connection's own
                // thread, before that thread reconnects and fetches again.
                if (message.Facility == "FAIL")
                {
                    parts.ConnectionLost();
                }
            })
            .SetErrorHandler((_, error) =>
            {
                log.Error($"Kafka consumer group {member.Group}", error);
                if (error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
                {
                    parts.ConnectionLost();
                }
            })
            .SetStatisticsHandler((_, statistics) => groupState.MemberStatistics(member.Group, member.Topic, statistics))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                Log(member, "gets", partitions);
                groupState.Assigned(member.Group, member.Topic, partitions.Select(p => p.Partition.Value).ToList());
                parts.Assigned(partitions);
            })
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                var handedOver = partitions.Select(p => p.TopicPartition).ToList();
                Log(member, "hands over", handedOver);
                groupState.Released(member.Group, member.Topic, handedOver.Select(p => p.Partition.Value).ToList());
                parts.HandOver(handedOver);
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                var lost = partitions.Select(p => p.TopicPartition).ToList();
                Log(member, "lost", lost);
                groupState.Released(member.Group, member.Topic, lost.Select(p => p.Partition.Value).ToList());
                parts.Lost(lost);
            })
            .Build();
        consumer.Subscribe(member.Topic);
        member.Logger.LogInformation(
            "Module {Module} consumes {Topic} in consumer group {Group} (session timeout {SessionTimeoutMs} ms)",
            module,
            member.Topic,
            member.Group,
            config.SessionTimeoutMs);
        return consumer;
    }

    /// <summary>The loop that polls the member's consumer, not started yet.</summary>
    public KafkaPollLoop PollLoopOf(
        IConsumer<string, byte[]> consumer, GroupMember member, Predicate<TopicPartition> endMatters, PartitionOwnership ownership)
    {
        var idle = new IdleMemberPause(consumer, member, endMatters, appended, options.Value.IdleLookInterval);
        return new KafkaPollLoop(consumer, member, endMatters, ownership, idle);
    }

    // Cooperative rebalancing: only the partitions that move are named, and the others keep flowing meanwhile.
    private static void Log(GroupMember member, string what, IEnumerable<TopicPartition> partitions)
    {
        if (partitions.Any())
        {
            member.Logger.LogInformation("Consumer group {Group} {What} {Partitions}", member.Group, what, string.Join(", ", partitions));
        }
    }

    private ConsumerConfig ConsumerConfig(string module, GroupMember member)
    {
        var config = new ConsumerConfig(cluster.ClientProperties())
        {
            GroupId = member.Group,
            ClientId = $"bank-{module}-{member.Topic}",
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

        foreach (var (key, value) in options.Value.Consumer)
        {
            config.Set(key, value);
        }

        return config;
    }
}
