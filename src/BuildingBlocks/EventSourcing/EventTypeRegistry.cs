using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// The stable names of every event type, the aggregate type that emits it, and how its older versions read as the
/// current one. Stored events and broadcast messages carry these names, never CLR type names, so renaming or moving a
/// class does not break stored streams or other systems.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, RegisteredEventType> _byType = [];
    private readonly Dictionary<string, RegisteredEventType> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RegisteredEventType Type, int Version)> _byStoredName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>> _upcasts = [];

    public EventTypeRegistry(IEnumerable<EventTypeRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            Register(registration.AggregateType, registration.EventTypeNames, registration.Upcasts);
        }
    }

    public IReadOnlyCollection<RegisteredEventType> All => _byType.Values;

    public IEnumerable<string> AggregateTypes => _byType.Values.Select(e => e.AggregateType).Distinct();

    private void Register(
        string aggregateType, IReadOnlyDictionary<Type, string> eventTypeNames, IReadOnlyDictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>>? upcasts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aggregateType);
        foreach (var (type, name) in eventTypeNames)
        {
            var steps = upcasts?.GetValueOrDefault(type) ?? [];
            var registered = new RegisteredEventType(type, name, aggregateType, steps.Count + 1);
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
            _upcasts.Add(type, steps);
            for (var version = 1; version <= registered.Version; version++)
            {
                _byStoredName.Add(registered.StoredNameOf(version), (registered, version));
            }
        }
    }

    public RegisteredEventType Get(Type eventType) =>
        _byType.TryGetValue(eventType, out var registered)
            ? registered
            : throw new InvalidOperationException($"Event type {eventType} has no registered stable name.");

    /// <summary>The event type of a stable name, the one messages carry.</summary>
    public bool TryGet(string name, out RegisteredEventType registered) =>
        _byName.TryGetValue(name, out registered!);

    /// <summary>The event type and version of a name the store keeps events under (<see cref="RegisteredEventType.StoredNameOf"/>).</summary>
    public bool TryGetStored(string storedName, out RegisteredEventType registered, out int version)
    {
        var found = _byStoredName.TryGetValue(storedName, out var stored);
        (registered, version) = found ? stored : (null!, 0);
        return found;
    }

    /// <summary>Every name the store keeps events of <paramref name="eventTypes"/> under, all versions.</summary>
    public string[] StoredNamesOf(IEnumerable<Type> eventTypes) =>
        [.. eventTypes.Select(Get).SelectMany(type => Enumerable.Range(1, type.Version).Select(type.StoredNameOf))];

    /// <summary>
    /// The JSON of a <paramref name="version"/> event of <paramref name="eventType"/> as the version the code reads: each
    /// upcast from that version on, in turn. Throws <see cref="JsonException"/> when the JSON is not an object.
    /// </summary>
    public string ReadAsCurrent(RegisteredEventType eventType, int version, string json)
    {
        if (version == eventType.Version)
        {
            return json;
        }

        var data = JsonNode.Parse(json) as JsonObject
            ?? throw new JsonException($"A stored {eventType.StoredNameOf(version)} event is not a JSON object.");
        foreach (var upcast in _upcasts[eventType.ClrType].Skip(version - 1))
        {
            data = upcast(data);
        }

        return data.ToJsonString();
    }

    /// <summary>
    /// <see cref="ReadAsCurrent"/>, or false with the reason when the upcasts cannot read the JSON: not an object, or not
    /// of the shape an upcast expects.
    /// </summary>
    public bool TryReadAsCurrent(RegisteredEventType eventType, int version, string json, out string current, out string? error)
    {
        try
        {
            (current, error) = (ReadAsCurrent(eventType, version, json), null);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            (current, error) = ("", exception.Message);
            return false;
        }
    }
}
