using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Kafka;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Bank.BuildingBlocks.Broadcasting;

public static class BroadcastingSetup
{
    /// <summary>Events per page the relay reads from the event store and publishes with one flush.</summary>
    public const int RelayPageSize = 1000;

    /// <summary>
    /// Broadcasts every committed event over Kafka. The relay runs on exactly one host instance at a
    /// time (Marten's HotCold daemon: leadership through a PostgreSQL advisory lock); another takes over
    /// when it dies.
    /// </summary>
    public static IServiceCollection AddKafkaBroadcasting(
        this IServiceCollection services, IConfiguration configuration, MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        services.AddOptions<KafkaOptions>()
            .Bind(configuration.GetSection(KafkaOptions.SectionName))
            .Validate(o => o.Partitions > 0 && o.ReplicationFactor > 0, "Kafka:Partitions and Kafka:ReplicationFactor must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TopicPrefix), "Kafka:TopicPrefix must not be empty.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RelayStatus>();
        services.AddSingleton<KafkaCluster>();
        services.AddSingleton<IEventBroadcaster, KafkaEventBroadcaster>();
        services.AddHostedService<KafkaTopicsSetup>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", HealthStatus.Degraded);
        services.AddSingleton<KafkaHealthCheck>();

        // Instances that should only serve the API can leave relaying to the others.
        if (!configuration.GetValue("Relay:Enabled", true))
        {
            return services;
        }

        marten
            .AddSubscriptionWithServices<EventRelay>(ServiceLifetime.Singleton, subscription =>
            {
                subscription.Options.BatchSize = RelayPageSize;
            })
            .AddAsyncDaemon(DaemonMode.HotCold);
        return services;
    }

    /// <summary>Creates the topics before the relay needs them.</summary>
    private sealed class KafkaTopicsSetup(KafkaCluster cluster, EventTypeRegistry eventTypes, Microsoft.Extensions.Options.IOptions<KafkaOptions> options)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            cluster.EnsureTopicsAsync(eventTypes.AggregateTypes.Select(options.Value.TopicFor), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
