using Bank.BuildingBlocks.Broadcasting;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Kafka;
using JasperFx.Events.Daemon;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bank.BuildingBlocks.Messaging;

/// <summary>How committed events travel from the event store to the modules' consumers.</summary>
public enum MessagingTransport
{
    /// <summary>Over Kafka, one topic per aggregate type, one consumer group per module.</summary>
    Kafka,

    /// <summary>Over MassTransit's in-memory bus, one endpoint per module: no Kafka at all.</summary>
    InMemory,
}

public static class MessagingSetup
{
    public const string TransportSetting = "Messaging:Transport";

    /// <summary>Events per page the relay reads from the event store and publishes with one flush.</summary>
    public const int RelayPageSize = 10000;

    /// <summary>Events the relay's daemon may read ahead while a page is being published: loading and publishing overlap.</summary>
    public const int RelayReadAhead = 3 * RelayPageSize;

    /// <summary>
    /// The relay that broadcasts every committed event, the transport (<c>Messaging:Transport</c>) and
    /// the modules' consumers, registered by <paramref name="addModuleConsumers"/>.
    /// </summary>
    public static IServiceCollection AddEventBroadcasting(
        this IServiceCollection services,
        IConfiguration configuration,
        MartenServiceCollectionExtensions.MartenConfigurationExpression eventStore,
        Action<IBusRegistrationConfigurator> addModuleConsumers)
    {
        var transport = configuration.GetValue(TransportSetting, MessagingTransport.Kafka);
        services.AddMassTransit(bus =>
        {
            addModuleConsumers(bus);
            bus.UsingInMemory((context, inMemory) =>
            {
                if (transport == MessagingTransport.InMemory)
                {
                    inMemory.ConfigureModuleEndpoints(context);
                }
            });
        });

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RelayStatus>();
        services.ConfigureMarten(options => options.Schema.For<ConsumerPosition>().DatabaseSchemaName(EventStoreSetup.SchemaName));
        if (transport == MessagingTransport.Kafka)
        {
            services.AddKafka(configuration);
        }
        else
        {
            services.AddSingleton<IEventBroadcaster, InMemoryEventBroadcaster>();
        }

        // Instances that should only serve the API can leave relaying to the others.
        if (configuration.GetValue("Relay:Enabled", true))
        {
            // HotCold: exactly one instance relays (a PostgreSQL advisory lock elects it); another takes over when it dies.
            eventStore
                .AddSubscriptionWithServices<EventRelay>(ServiceLifetime.Singleton, subscription =>
                {
                    subscription.Options.BatchSize = RelayPageSize;
                    subscription.Options.MaximumHopperSize = RelayReadAhead;
                })
                .AddAsyncDaemon(DaemonMode.HotCold);
        }

        return services;
    }

    private static void AddKafka(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>()
            .Bind(configuration.GetSection(KafkaOptions.SectionName))
            .Validate(o => o.Partitions > 0 && o.ReplicationFactor > 0, "Kafka:Partitions and Kafka:ReplicationFactor must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TopicPrefix), "Kafka:TopicPrefix must not be empty.")
            .ValidateOnStart();
        services.AddSingleton<KafkaCluster>();
        services.AddSingleton<IEventBroadcaster, KafkaEventBroadcaster>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<KafkaHealthCheck>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", HealthStatus.Degraded);

        // Topics first, then the check for a broker that lost its contents (before the relay starts),
        // then one consumer group per module.
        services.AddHostedService<KafkaTopicsSetup>();
        services.AddHostedService<BrokerResetRecovery>();
        // Instances that should only serve the API (or only relay) can leave consuming to the others.
        if (!configuration.GetValue("Messaging:ConsumersEnabled", true))
        {
            return;
        }

        foreach (var module in ModuleConsumerRegistration.RegistryOf(services).Modules)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<KafkaModuleConsumer>(provider, module));
        }
    }

    /// <summary>Creates each aggregate type's topic and its dead-letter topic before anything uses them.</summary>
    private sealed class KafkaTopicsSetup(KafkaCluster cluster, EventTypeRegistry eventTypes, IOptions<KafkaOptions> options)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            cluster.EnsureTopicsAsync(
                eventTypes.AggregateTypes.Select(options.Value.TopicFor).SelectMany(topic => new[] { topic, options.Value.DeadLetterTopicFor(topic) }),
                cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
