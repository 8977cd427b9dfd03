using MassTransit;

namespace Bank.BuildingBlocks.Consumers;

/// <summary>
/// Which consumer belongs to which module. Filled while modules register their consumers, read-only
/// once the container is built. Each module receives events in a consumer group of its own, which runs
/// that module's consumers only.
/// </summary>
public sealed class ModuleConsumerRegistry
{
    private readonly Dictionary<Type, ModuleConsumer> _byConsumer = [];

    public IReadOnlyList<string> Modules => _byConsumer.Values.Select(c => c.Module).Distinct(StringComparer.Ordinal).ToList();

    public IReadOnlyList<ModuleConsumer> ConsumersOf(string module) =>
        _byConsumer.Values.Where(c => c.Module == module).ToList();

    internal void Add(string module, Type consumerType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        var messageTypes = consumerType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToList();
        if (messageTypes.Count == 0)
        {
            throw new ArgumentException($"{consumerType} does not implement IConsumer<TMessage>.", nameof(consumerType));
        }

        if (_byConsumer.TryGetValue(consumerType, out var existing) && existing.Module != module)
        {
            throw new InvalidOperationException($"{consumerType} already belongs to module '{existing.Module}'.");
        }

        _byConsumer[consumerType] = new ModuleConsumer(module, consumerType, messageTypes);
    }

    /// <summary>The registry every module's registrations go to, kept as an instance in the service collection.</summary>
    internal static ModuleConsumerRegistry Of(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ModuleConsumerRegistry))?.ImplementationInstance is ModuleConsumerRegistry existing)
        {
            return existing;
        }

        var registry = new ModuleConsumerRegistry();
        services.AddSingleton(registry);
        return registry;
    }
}
