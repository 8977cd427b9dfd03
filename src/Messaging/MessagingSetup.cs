using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.Notifications;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging.Dispatch;
using Bank.Messaging.InMemory;
using Bank.Messaging.Kafka;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Consuming;
using Bank.Messaging.Operations;
using Bank.Messaging.Relay;
using Bank.Messaging.Replay;
using JasperFx.Events.Daemon;
using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Bank.Messaging;

public static class MessagingSetup
{
    /// <summary>Events per page the relay reads from the event store and publishes with one flush.</summary>
    public const int RelayPageSize = 10000;

    /// <summary>Events the relay's daemon may read ahead while a page is being published: loading and publishing overlap.</summary>
    public const int RelayReadAhead = 3 * RelayPageSize;

    /// <summary>
    /// The relay that broadcasts every committed event, the transport (<c>Messaging:Transport</c>), the modules'
    /// consumers registered by <paramref name="addModuleConsumers"/>, and the replay that rebuilds their query models.
    /// </summary>
    public static IServiceCollection AddEventBroadcasting(
        this IServiceCollection services,
        IConfiguration configuration,
        MartenServiceCollectionExtensions.MartenConfigurationExpression eventStore,
        Action<IBusRegistrationConfigurator> addModuleConsumers)
    {
        services.AddModuleEventHandlers(addModuleConsumers);
        services.AddSingleton(provider => new QueryModelReplay(
            provider.GetRequiredService<EventTypeRegistry>(),
            provider.GetRequiredService<ModuleConsumerRegistry>(),
            provider.GetRequiredService<ModuleEventHandlers>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RelayStatus>();
        services.AddSingleton<RelayBacklog>();
        services.AddHostedService(provider => provider.GetRequiredService<RelayBacklog>());
        // Kafka's parts are there only with the Kafka transport.
        services.AddSingleton(provider => new MessagingStatus(
            provider.GetRequiredService<RelayStatus>(),
            provider.GetRequiredService<RelayBacklog>(),
            provider.Settings<MessagingOptions>().ConsumersEnabled,
            provider.GetService<ConsumerGroups>() is { } groups
                ? new MessagingStatus.KafkaParts(provider.GetRequiredService<KafkaHealthCheck>(), provider.GetRequiredService<ConsumerGroupState>(), groups)
                : null));
        services.AddSettings<MessagingOptions>(configuration);
        services.AddSettings<RelayOptions>(configuration);
        var messaging = SettingSections.Read<MessagingOptions>(configuration);
        var consumersEnabled = messaging.ConsumersEnabled;
        if (messaging.Transport == MessagingTransport.Kafka)
        {
            services.AddKafkaTransport(configuration, consumersEnabled);
        }
        else
        {
            services.AddInMemoryTransport(consumersEnabled);
        }

        // Every append notifies, whichever instance relays (RelayWakeup listens).
        services.AddDatabaseNotifications();
        services.ConfigureMarten((provider, options) => options.Listeners.Add(new NotifyRelayOnAppend(provider.GetRequiredService<DatabaseNotifier>())));
        services.ConfigureMarten(options =>
        {
            options.Projections.LeadershipPollingTime = 1000;
            // While events keep coming, look for the next ones every 20 ms rather than 250: the relay's share of the lag.
            options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(20);
        });

        if (SettingSections.Read<RelayOptions>(configuration).Enabled)
        {
            // The relay hears of new events at once instead of polling every second, yet coalesced: Marten's own
            // UseListenNotifyForEventAppends would wake it for every single append.
            services.AddSingleton<RelayWakeup>();
            services.AddSingleton<IChannelListener>(provider => provider.GetRequiredService<RelayWakeup>());
            services.ConfigureMarten((provider, options) => options.Projections.Wakeup = provider.GetRequiredService<RelayWakeup>());
            services.AddSingleton<RelayGate>();
            services.AddHostedService<IdleBrokerLossWatch>();
            services.AddHostedService<RelayRecovery>();
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

    private static void AddInMemoryTransport(this IServiceCollection services, bool consumersEnabled)
    {
        services.AddSingleton<InMemoryEventBroadcaster>();
        services.AddSingleton<IEventBroadcaster>(provider => provider.GetRequiredService<InMemoryEventBroadcaster>());
        services.AddSingleton<IBrokerLossRefill, NoBrokerLossRefill>();
        if (!consumersEnabled)
        {
            return;
        }

        foreach (var module in ModuleConsumerRegistry.Of(services).Modules)
        {
            services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<InMemoryModuleConsumer>(provider, module));
        }
    }
}
