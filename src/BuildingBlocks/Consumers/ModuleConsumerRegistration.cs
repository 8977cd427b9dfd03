using MassTransit;

namespace Bank.BuildingBlocks.Consumers;

public static class ModuleConsumerRegistration
{
    /// <summary>
    /// Registers a consumer of a module. Consumer-level middleware set in <paramref name="configure"/>
    /// (retries) applies however the events arrive. The consumer is kept out of MassTransit's
    /// <c>ConfigureEndpoints</c>: each module receives events in a consumer group of its own.
    /// </summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddModuleConsumer<TConsumer>(
        this IBusRegistrationConfigurator bus, string module, Action<IConsumerConfigurator<TConsumer>>? configure = null)
        where TConsumer : class, IConsumer
    {
        ModuleConsumerRegistry.Of(bus).Add(module, typeof(TConsumer));
        var registration = bus.AddConsumer<TConsumer>(configure is null ? null : (_, consumer) => configure(consumer));
        registration.ExcludeFromConfigureEndpoints();
        return registration;
    }
}
