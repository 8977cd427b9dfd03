using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.QueryModels;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bank.Messaging.Dispatch;

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
