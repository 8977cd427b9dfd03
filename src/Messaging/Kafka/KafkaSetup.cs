using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.Notifications;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Consuming;
using Bank.Messaging.Kafka.Parking;
using Bank.Messaging.Kafka.Producing;
using Bank.Messaging.Relay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Messaging.Kafka;

internal static class KafkaSetup
{
    /// <summary>The relay's producer, the topics, the check for a broker that lost its contents, and one consumer group per module.</summary>
    public static void AddKafkaTransport(this IServiceCollection services, IConfiguration configuration, bool consumersEnabled)
    {
        services.AddSettings<KafkaOptions>(configuration);
        services.ConfigureMarten(options =>
        {
            options.Schema.For<ConsumerPosition>().DatabaseSchemaName(EventStoreSetup.SchemaName);
            options.Schema.For<ParkedMessage>().DatabaseSchemaName(EventStoreSetup.SchemaName);
            options.Schema.For<RelayedPartition>().DatabaseSchemaName(EventStoreSetup.SchemaName);
        });
        services.AddSingleton<ParkedMessages>();
        services.AddSingleton(provider => new EventStoreCheck(
            provider.Settings<DatabaseSettings>().Postgres!,
            provider.GetRequiredService<EventTypeRegistry>(),
            provider.Settings<KafkaOptions>().CheckEventsAgainstStore));
        services.AddSingleton(provider => new DeadLetters(
            provider.GetRequiredService<ParkedMessages>(),
            provider.GetRequiredService<EventStoreCheck>(),
            provider.GetRequiredService<ModuleEventHandlers>(),
            provider.GetRequiredService<EventTypeRegistry>(),
            provider.GetRequiredService<IOptions<KafkaOptions>>(),
            provider.GetRequiredService<ILogger<DeadLetters>>()));
        services.AddSingleton<ParkedKeysWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<ParkedKeysWatch>());
        services.AddSingleton<KafkaCluster>();
        services.AddSingleton<RelayedOffsets>();
        services.AddSingleton<IEventBroadcaster, KafkaEventBroadcaster>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<ConsumerGroups>();
        services.AddSingleton<ConsumerGroupState>();
        services.AddSingleton<KafkaHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<KafkaHealthCheck>("kafka", HealthStatus.Degraded)
            .AddCheck<ConsumerGroupsHealthCheck>("consumer-groups", HealthStatus.Degraded)
            .AddCheck<ParkedKeysHealthCheck>("parked-keys", HealthStatus.Degraded);

        // Topics first, then the watch on the groups and, where this instance consumes, one consumer group per module.
        services.AddHostedService<KafkaTopicsSetup>();
        services.AddHostedService<ConsumerGroupWatch>();
        services.AddSingleton<ClusterAdmin>();
        services.AddSingleton<TopicSizes>();
        services.AddSingleton<UnfinishedEvents>();
        services.AddSingleton<IBrokerLossRefill, BrokerLossRefill>();
        services.AddSingleton<AppendSignal>();
        services.AddSingleton<IChannelListener>(provider => provider.GetRequiredService<AppendSignal>());
        if (!consumersEnabled)
        {
            return;
        }

        services.AddSingleton<MemberConnection>();
        services.AddSingleton<MemberPositions>();
        services.AddSingleton<MemberHandling>();
        foreach (var module in ModuleConsumerRegistry.Of(services).Modules)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<KafkaModuleConsumer>(provider, module));
        }
    }

    /// <summary>
    /// Creates each aggregate type's topic and its dead-letter topic, in the background so that the API answers while
    /// Kafka is away: the relay and the consumer groups wait for <see cref="KafkaCluster.TopicsReady"/>.
    /// </summary>
    private sealed class KafkaTopicsSetup(
        KafkaCluster cluster, EventTypeRegistry eventTypes, ConsumerGroupState groupState, IOptions<KafkaOptions> options)
        : BackgroundService
    {
        private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var topics = eventTypes.AggregateTypes
                .Select(options.Value.TopicFor)
                .SelectMany(topic => new[] { topic, options.Value.DeadLetterTopicFor(topic) })
                .Distinct(StringComparer.Ordinal)
                .ToList();
            try
            {
                while (!await cluster.EnsureTopicsAsync(topics, stoppingToken))
                {
                    groupState.KafkaNotReached();
                    await Task.Delay(RetryInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopped before Kafka could be reached.
            }
        }
    }
}
