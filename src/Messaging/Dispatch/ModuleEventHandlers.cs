using System.Collections.Concurrent;
using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.QueryModels;
using Bank.Messaging.Telemetry;
using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bank.Messaging.Dispatch;

/// <summary>One <see cref="ModuleEventHandler"/> per module, built on first use.</summary>
internal sealed class ModuleEventHandlers(ModuleConsumerRegistry registry, IServiceProvider services, MessagingMetrics metrics, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, Lazy<ModuleEventHandler>> _handlers = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Modules => registry.Modules;

    public ModuleEventHandler Get(string module) =>
        _handlers.GetOrAdd(module, name => new Lazy<ModuleEventHandler>(() => new ModuleEventHandler(
            name,
            registry.ConsumersOf(name),
            services.GetRequiredService<IBusRegistrationContext>(),
            services.GetRequiredService<IBusInstance>().HostConfiguration,
            services.GetRequiredService<IServiceScopeFactory>(),
            metrics,
            loggers.CreateLogger($"{typeof(ModuleEventHandler).FullName}.{name}")))).Value;
}

internal static class ModuleEventHandlersSetup
{
    /// <summary>The modules' consumers behind MassTransit, and one event handler per module in front of them.</summary>
    public static IServiceCollection AddModuleEventHandlers(this IServiceCollection services, Action<IBusRegistrationConfigurator> addModuleConsumers)
    {
        // The bus itself carries nothing: it lends its consume pipeline to the module event handlers.
        services.AddMassTransit(bus =>
        {
            addModuleConsumers(bus);
            bus.UsingInMemory();
            // A bank's host calls out to no one it was not configured to reach.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
        });
        ModuleConsumerRegistry.Of(services);
        services.AddMetrics();
        services.TryAddSingleton<MessagingMetrics>();
        services.TryAddSingleton<ModuleEventHandlers>();
        services.TryAddScoped<QueryModelBatch>();
        return services;
    }
}
