using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Relay;
using Confluent.Kafka;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bank.Messaging.Kafka;

/// <summary>
/// Notices a broker that lost its contents (the embedded broker after a host restart, a standalone
/// one after its own) and moves the relay back to the lowest position any consumer group has
/// finished, so that messages relayed but never consumed are sent again. At start this runs before
/// the relay does; while running it watches the topics' sizes and rewinds the relay when they shrink.
/// </summary>
internal sealed class BrokerResetRecovery(
    KafkaCluster cluster,
    IOptions<KafkaOptions> options,
    EventTypeRegistry eventTypes,
    ModuleConsumerRegistry modules,
    IDocumentStore store,
    IServiceProvider services,
    ILogger<BrokerResetRecovery> logger) : BackgroundService
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, long> _lastSizes = [];

    // One admin client and one probe for the host's lifetime: they reconnect by themselves.
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig(cluster.ClientProperties())).SetLogHandler((_, _) => { }).Build());

    private readonly Lazy<IConsumer<Ignore, Ignore>> _probe = new(() =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(cluster.ClientProperties()) { GroupId = "bank-size-probe" })
            .SetLogHandler((_, _) => { })
            .Build());

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var relayed = await RelayProgressAsync(cancellationToken);
        var sizes = TopicSizes();
        if (relayed > 0 && sizes is not null && sizes.Values.Sum() == 0)
        {
            var resumeFrom = await ResumePositionAsync(cancellationToken);
            logger.LogWarning(
                "Kafka holds none of the events relayed up to position {Relayed} (a memory-only broker restarted?); relaying again after position {Position}",
                relayed,
                resumeFrom);
            await SetRelayProgressAsync(resumeFrom, cancellationToken);
        }

        Remember(sizes);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(WatchInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var sizes = await Task.Run(TopicSizes, stoppingToken);
            if (sizes is null)
            {
                continue;
            }

            if (sizes.Any(size => _lastSizes.TryGetValue(size.Key, out var last) && size.Value < last))
            {
                try
                {
                    var resumeFrom = await ResumePositionAsync(stoppingToken);
                    logger.LogWarning("Kafka lost messages of its topics (a memory-only broker restarted?); relaying again after position {Position}", resumeFrom);
                    await RewindRelayAsync(resumeFrom, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is away too: the loss is still there to see at the next look.
                    logger.LogWarning(e, "Could not move the relay back after Kafka lost messages; trying again in {Interval}", WatchInterval);
                    continue;
                }
            }

            Remember(sizes);
        }
    }

    /// <summary>
    /// Every event a group has not finished lies after the position it finished on that event's partition,
    /// so the lowest finished position over all groups and partitions is safe. A partition without a record
    /// counts as nothing finished.
    /// </summary>
    private async Task<long> ResumePositionAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var finished = (await session.Query<ConsumerPosition>().ToListAsync(cancellationToken)).ToDictionary(p => p.Id, p => p.GlobalPosition);
        var admin = _admin.Value;
        var lowest = long.MaxValue;
        foreach (var module in modules.Modules)
        {
            var group = options.Value.GroupOf(module);
            var topics = modules.ConsumersOf(module).SelectMany(c => c.MessageTypes)
                .Select(t => options.Value.TopicFor(eventTypes.Get(t).AggregateType)).Distinct();
            foreach (var topic in topics)
            {
                var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
                foreach (var partition in partitions)
                {
                    lowest = Math.Min(lowest, finished.GetValueOrDefault(ConsumerPosition.IdOf(group, topic, partition.PartitionId)));
                }
            }
        }

        return lowest == long.MaxValue ? 0 : lowest;
    }

    /// <summary>Messages ever written to each event topic (high watermarks), or null when Kafka cannot be asked.</summary>
    private Dictionary<string, long>? TopicSizes()
    {
        try
        {
            var admin = _admin.Value;
            var consumer = _probe.Value;
            var sizes = new Dictionary<string, long>();
            foreach (var topic in eventTypes.AggregateTypes.Select(options.Value.TopicFor))
            {
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single();
                if (metadata.Error.IsError)
                {
                    sizes[topic] = 0;
                    continue;
                }

                sizes[topic] = metadata.Partitions.Sum(p =>
                    consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(5)).High.Value);
            }

            return sizes;
        }
        catch (KafkaException e)
        {
            logger.LogDebug("Could not read the sizes of the Kafka topics: {Reason}", e.Error.Reason);
            return null;
        }
    }

    private void Remember(Dictionary<string, long>? sizes)
    {
        foreach (var (topic, size) in sizes ?? [])
        {
            _lastSizes[topic] = size;
        }
    }

    private async Task<long> RelayProgressAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT last_seq_id FROM {EventStoreSetup.SchemaName}.mt_event_progression WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", RelayShardName);
        return await command.ExecuteScalarAsync(cancellationToken) is long position ? position : 0;
    }

    /// <summary>
    /// Before the daemon starts, the relay's stored progress is simply moved back; back to the start
    /// means no progress row at all, which is how the daemon sees a subscription that never ran.
    /// </summary>
    private async Task SetRelayProgressAsync(long position, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            position == 0
                ? $"DELETE FROM {EventStoreSetup.SchemaName}.mt_event_progression WHERE name = @name"
                : $"UPDATE {EventStoreSetup.SchemaName}.mt_event_progression SET last_seq_id = @position WHERE name = @name",
            connection);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.AddWithValue("name", RelayShardName);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>While running, the daemon rewinds its own subscription (it stops and restarts the shard).</summary>
    private async Task RewindRelayAsync(long position, CancellationToken cancellationToken)
    {
        if (services.GetService<IProjectionCoordinator>() is not { } coordinator)
        {
            return;
        }

        var daemon = coordinator.DaemonForMainDatabase();
        await daemon.RewindSubscriptionAsync(EventRelay.SubscriptionName, cancellationToken, position);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public override void Dispose()
    {
        if (_probe.IsValueCreated)
        {
            _probe.Value.Dispose();
        }

        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }

        base.Dispose();
    }

    private static string RelayShardName => $"{EventRelay.SubscriptionName}:All";
}
