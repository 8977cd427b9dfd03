namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// The stable names of every event type and the aggregate type that emits it.
/// Stored events and broadcast messages carry these names, never CLR type names,
/// so renaming or moving a class does not break stored streams or other systems.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, RegisteredEventType> _byType = [];
    private readonly Dictionary<string, RegisteredEventType> _byName = new(StringComparer.Ordinal);

    public EventTypeRegistry(IEnumerable<EventTypeRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            Register(registration.AggregateType, registration.EventTypeNames, registration.Versions);
        }
    }

    public IReadOnlyCollection<RegisteredEventType> All => _byType.Values;

    public IEnumerable<string> AggregateTypes => _byType.Values.Select(e => e.AggregateType).Distinct();

    private void Register(string aggregateType, IReadOnlyDictionary<Type, string> eventTypeNames, IReadOnlyDictionary<Type, int>? versions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aggregateType);
        foreach (var (type, name) in eventTypeNames)
        {
            var registered = new RegisteredEventType(type, name, aggregateType, versions?.GetValueOrDefault(type, 1) ?? 1);
            if (_byType.GetValueOrDefault(type) == registered)
            {
                // The same registration again (a module and a test, say): harmless.
                continue;
            }

            if (_byName.ContainsKey(name) || _byType.ContainsKey(type))
            {
                throw new InvalidOperationException($"Event type '{name}' ({type}) is registered twice.");
            }

            _byType.Add(type, registered);
            _byName.Add(name, registered);
        }
    }

    public RegisteredEventType Get(Type eventType) =>
        _byType.TryGetValue(eventType, out var registered)
            ? registered
            : throw new InvalidOperationException($"Event type {eventType} has no registered stable name.");

    public bool TryGet(string name, out RegisteredEventType registered) =>
        _byName.TryGetValue(name, out registered!);
}
