using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Events;
using Bank.Messaging.Relay;
using Confluent.Kafka;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Notices a broker that lost its contents (its topics hold nothing although events were relayed, or they
/// shrank) and publishes again, from the event store, every event after the lowest position any consumer group
/// has finished (<see cref="ConsumerPosition"/>) up to what was relayed. Runs inside the relay's pass, so only
/// the instance that holds the relay's leadership decides, and the refill comes before anything newer.
/// </summary>
internal sealed class BrokerLossRefill(
    KafkaCluster cluster,
    IOptions<KafkaOptions> options,
    EventTypeRegistry eventTypes,
    ModuleConsumerRegistry modules,
    IEventBroadcaster broadcaster,
    ConsumerGroupState kafka,
    RelayedOffsets offsets,
    ILogger<BrokerLossRefill> logger) : IBrokerLossRefill, IDisposable
{
    private const int PageSize = 10000;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    // One admin client and one probe for the host's lifetime: they reconnect by themselves.
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties())).SetLogHandler((_, _) => { }).Build());

    private readonly Lazy<IConsumer<Ignore, Ignore>> _probe = new(() =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(cluster.ClientProperties()) { GroupId = "bank-size-probe" })
            .SetLogHandler((_, _) => { })
            .Build());

    private Dictionary<TopicPartition, long>? _lastSizes;
    private DateTime _nextCheck = DateTime.MinValue;

    public async Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken)
    {
        var wentBack = offsets.WentBack;
        // Reading sizes from a broker that is away blocks for seconds, and a stop with it: idle looks wait for its return.
        if (!wentBack && (DateTime.UtcNow < _nextCheck || (idle && kafka.Unreachable is not null)))
        {
            return;
        }

        _nextCheck = DateTime.UtcNow + CheckInterval;
        var sizes = await Task.Run(TopicSizes, cancellationToken);
        if (sizes is null && !wentBack)
        {
            // Unreadable now: the very next call looks again, so that a broker back from a restart is looked at
            // before anything new is published to it.
            _nextCheck = DateTime.MinValue;
            return;
        }

        var lost = wentBack || offsets.AnyBehind(sizes!) || (_lastSizes is null
            ? relayedUpTo > 0 && sizes!.Values.Sum() == 0
            : sizes!.Any(size => _lastSizes.TryGetValue(size.Key, out var last) && size.Value < last));
        if (lost)
        {
            var after = await LowestFinishedPositionAsync(session, cancellationToken);
            logger.LogWarning(
                "Kafka lost messages relayed up to position {Relayed} (a memory-only broker restarted?); relaying again after position {Position}",
                relayedUpTo,
                after);
            await RelayAgainAsync(session, after, relayedUpTo, cancellationToken);
            offsets.Refilled();
            sizes = await Task.Run(TopicSizes, cancellationToken) ?? sizes;
        }

        if (sizes is not null)
        {
            _lastSizes = sizes;
        }
    }

    private async Task RelayAgainAsync(IQuerySession session, long after, long upTo, CancellationToken cancellationToken)
    {
        await foreach (var page in StoredEvents.PagesAsync(session, after, upTo, PageSize, types: null, cancellationToken))
        {
            await broadcaster.PublishAsync(page.Select(e => BroadcastEvent.From(e, eventTypes)).OfType<BroadcastEvent>().ToList(), cancellationToken);
        }
    }

    /// <summary>
    /// Every event a group has not finished lies after the position it finished on that event's partition,
    /// so the lowest finished position over all groups and partitions is safe. A partition without a record
    /// counts as nothing finished.
    /// </summary>
    private async Task<long> LowestFinishedPositionAsync(IQuerySession session, CancellationToken cancellationToken)
    {
        var finished = (await session.Query<ConsumerPosition>().ToListAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.GlobalPosition);
        var lowest = long.MaxValue;
        foreach (var module in modules.Modules)
        {
            var group = options.Value.GroupOf(module);
            var topics = modules.ConsumersOf(module).SelectMany(c => c.MessageTypes)
                .Select(t => options.Value.TopicFor(eventTypes.Get(t).AggregateType)).Distinct();
            foreach (var topic in topics)
            {
                var partitions = _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
                foreach (var partition in partitions)
                {
                    lowest = Math.Min(lowest, finished.GetValueOrDefault(ConsumerPosition.IdOf(group, topic, partition.PartitionId)));
                }
            }
        }

        return lowest == long.MaxValue ? 0 : lowest;
    }

    /// <summary>Messages ever written to each partition of the event topics (high watermarks), or null when Kafka cannot be asked.</summary>
    private Dictionary<TopicPartition, long>? TopicSizes()
    {
        try
        {
            var sizes = new Dictionary<TopicPartition, long>();
            foreach (var topic in eventTypes.AggregateTypes.Select(options.Value.TopicFor))
            {
                var metadata = _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
                foreach (var partition in metadata.Error.IsError ? [] : metadata.Partitions)
                {
                    var topicPartition = new TopicPartition(topic, partition.PartitionId);
                    sizes[topicPartition] = _probe.Value.QueryWatermarkOffsets(topicPartition, TimeSpan.FromSeconds(5)).High.Value;
                }
            }

            return sizes;
        }
        catch (KafkaException e)
        {
            logger.LogDebug("Could not read the sizes of the Kafka topics: {Reason}", e.Error.Reason);
            return null;
        }
    }

    public void Dispose()
    {
        if (_probe.IsValueCreated)
        {
            _probe.Value.Dispose();
        }

        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
