using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bank.BuildingBlocks.EventSourcing;

namespace Bank.BuildingBlocks.EventContracts;

/// <summary>
/// Every released version of every event's wire form, checked in as <c>&lt;Type&gt;/v&lt;N&gt;.schema.json</c> below
/// <see cref="Directory"/>. The code writes the newest (<see cref="RegisteredEventType.Version"/>), or the next one
/// before it is checked in. Within a version, the code's wire form may only add optional fields
/// (<see cref="SchemaCompatibility"/>); every older version reads as the current one through an upcast per step, since a
/// consumer may read a first-version event from the store long after later versions shipped.
/// </summary>
public sealed class EventCatalog(string directory)
{
    /// <summary>Where the catalog lives, from the repository's root.</summary>
    public const string DefaultDirectory = "contracts/events";

    // Readable in a diff: a pattern's '+' stays '+'.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The versions of <paramref name="eventType"/> released, oldest first; none for a type not yet in the catalog.</summary>
    public IReadOnlyList<int> VersionsOf(string eventType)
    {
        var folder = Path.Combine(Directory, eventType);
        if (!System.IO.Directory.Exists(folder))
        {
            return [];
        }

        return [.. System.IO.Directory.EnumerateFiles(folder, "v*.schema.json")
            .Select(path => Path.GetFileName(path)[1..^".schema.json".Length])
            .Select(number => int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0)
            .Where(version => version > 0)
            .Order()];
    }

    /// <summary>
    /// What keeps the code's wire forms from standing in for the released ones: one line per field and rule, and one
    /// for each event type not in the catalog.
    /// </summary>
    public IReadOnlyList<SchemaViolation> Check(IEnumerable<RegisteredEventType> eventTypes)
    {
        var sorted = eventTypes.OrderBy(type => type.Name, StringComparer.Ordinal).ToList();
        var unreleased = new List<SchemaViolation>();
        foreach (var type in sorted)
        {
            var versions = VersionsOf(type.Name);
            if (versions.Count == 0)
            {
                unreleased.Add(new SchemaViolation(type.Name, type.Version, "(the event)", "not in the catalog; 'schemas update' adds it"));
            }
            else if (type.Version < versions[^1] || type.Version > versions[^1] + 1)
            {
                unreleased.Add(new SchemaViolation(
                    type.Name, type.Version, "(the event)", $"the code writes this version, the catalog's newest is v{versions[^1]}"));
            }
        }

        return [.. unreleased, .. Incompatible(sorted)];
    }

    /// <summary>The event types whose current version (the one the code writes) is not checked in as the code has it.</summary>
    public IReadOnlyList<string> Stale(IEnumerable<RegisteredEventType> eventTypes) =>
        [.. eventTypes
            .Where(type => !File.Exists(PathOf(type.Name, type.Version)) ||
                !JsonNode.DeepEquals(Read(type.Name, type.Version), WireSchema.Of(type.ClrType, type.Name, type.Version)))
            .Select(type => type.Name)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Writes the code's schema as the current version of each stale event type (a new type, or fields added), when
    /// <see cref="Check"/> finds nothing wrong; returns the files written.
    /// </summary>
    public IReadOnlyList<string> Update(IReadOnlyCollection<RegisteredEventType> eventTypes)
    {
        if (Incompatible(eventTypes).Count > 0)
        {
            throw new InvalidOperationException("The catalog is updated only when every change is compatible: run 'schemas check'.");
        }

        var written = new List<string>();
        foreach (var name in Stale(eventTypes))
        {
            var eventType = eventTypes.Single(type => type.Name == name);
            var path = PathOf(name, eventType.Version);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, WireSchema.Of(eventType.ClrType, name, eventType.Version).ToJsonString(Indented) + "\n");
            written.Add(path);
        }

        return written;
    }

    /// <summary>
    /// The changes, against the released versions, that a reader of one of them could not follow. A version older than
    /// the one the code writes is read through the module's upcasts (<see cref="EventTypeRegistration.Upcasts"/>), one
    /// step after the other, so only the code's own version and any later one are compared.
    /// </summary>
    public IReadOnlyList<SchemaViolation> Incompatible(IEnumerable<RegisteredEventType> eventTypes)
    {
        var violations = new List<SchemaViolation>();
        foreach (var eventType in eventTypes)
        {
            var current = WireSchema.Of(eventType.ClrType, eventType.Name, eventType.Version);
            foreach (var version in VersionsOf(eventType.Name).Where(version => version >= eventType.Version))
            {
                violations.AddRange(SchemaCompatibility.Compare(eventType.Name, version, Read(eventType.Name, version), current));
            }
        }

        return violations;
    }

    private string PathOf(string eventType, int version) => Path.Combine(Directory, eventType, $"v{version}.schema.json");

    private JsonNode Read(string eventType, int version) =>
        JsonNode.Parse(File.ReadAllText(PathOf(eventType, version))) ?? throw new InvalidDataException($"{PathOf(eventType, version)} is empty.");
}
