using System.Collections.Concurrent;
using Bank.BuildingBlocks.Consumers;
using MassTransit;
using MassTransit.Transports;

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
