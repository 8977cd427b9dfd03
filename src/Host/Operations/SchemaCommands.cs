using Bank.BuildingBlocks.EventContracts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging.Kafka.Cluster;
using Marten;
using Npgsql;

namespace Bank.Host.Operations;

/// <summary>
/// <c>Bank.Host schemas [check | update] [--catalog DIR]</c>: the catalog of event contracts (<see cref="EventCatalog"/>).
/// With no action, each event type with its topic, current version, released versions and the events the store holds;
/// <c>check</c> exits 1 with one line per incompatible change, and per change the catalog does not hold yet;
/// <c>update</c> writes the current versions of a new or extended event type. The catalog is read from <c>contracts/events</c> below the working directory.
/// </summary>
internal static class SchemaCommands
{
    public const string Command = "schemas";

    public const string Usage = "Usage: Bank.Host schemas [check | update] [--catalog DIR] [--Key=value ...]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args[1..]) is not { } request)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var catalog = new EventCatalog(request.Catalog);
        if (!Directory.Exists(catalog.Directory))
        {
            await Console.Error.WriteLineAsync($"No event catalog at {catalog.Directory}: run from the repository's root, or give --catalog DIR.");
            return 2;
        }

        await using var services = OperatorServices.Build(request.Settings, connectionString: null);
        var eventTypes = services.GetRequiredService<EventTypeRegistry>().All;
        switch (request.Action)
        {
            case "check":
                return Check(catalog, eventTypes);
            case "update":
                if (catalog.Incompatible(eventTypes) is { Count: > 0 })
                {
                    return Check(catalog, eventTypes);
                }

                foreach (var path in catalog.Update(eventTypes))
                {
                    Console.WriteLine($"Wrote {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
                }

                return 0;
            default:
                await ListAsync(catalog, eventTypes, services);
                return 0;
        }
    }

    private static int Check(EventCatalog catalog, IReadOnlyCollection<RegisteredEventType> eventTypes)
    {
        var violations = catalog.Check(eventTypes);
        var stale = catalog.Stale(eventTypes).Except(violations.Select(violation => violation.EventType)).ToList();
        foreach (var line in violations.Select(violation => violation.ToString())
            .Concat(stale.Select(name => $"{name} v{eventTypes.Single(type => type.Name == name).Version}: the catalog lacks what the code added; 'schemas update' writes it")))
        {
            Console.WriteLine(line);
        }

        if (violations.Count + stale.Count == 0)
        {
            Console.WriteLine($"{eventTypes.Count} event types: the catalog holds the code's wire forms, compatible with every released version.");
            return 0;
        }

        Console.WriteLine(violations.Count == 0
            ? $"{stale.Count} event types changed compatibly: run 'schemas update' and commit the catalog."
            : $"{violations.Count + stale.Count} problems. A change other than a new optional field needs a new version with an upcaster.");
        return 1;
    }

    private static async Task ListAsync(EventCatalog catalog, IReadOnlyCollection<RegisteredEventType> eventTypes, IServiceProvider services)
    {
        var kafka = services.Settings<KafkaOptions>();
        var stored = await StoredCountsAsync(services.GetRequiredService<IDocumentStore>());
        Console.WriteLine($"{"event type",-22} {"topic",-16} {"current",-8} {"released",-9} stored, by the version each was written as");
        foreach (var eventType in eventTypes.OrderBy(type => type.AggregateType).ThenBy(type => type.Name, StringComparer.Ordinal))
        {
            var released = catalog.VersionsOf(eventType.Name);
            var storedVersions = Enumerable.Range(1, eventType.Version)
                .Where(version => stored.ContainsKey(eventType.StoredNameOf(version)))
                .Select(version => $"v{version}: {stored[eventType.StoredNameOf(version)]}")
                .DefaultIfEmpty("none");
            Console.WriteLine(
                $"{eventType.Name,-22} {kafka.TopicFor(eventType.AggregateType),-16} {"v" + eventType.Version,-8} " +
                $"{(released.Count == 0 ? "none" : string.Join(",", released.Select(version => "v" + version))),-9} {string.Join(", ", storedVersions)}");
        }
    }

    // Each version of an event is stored under its own name (RegisteredEventType.StoredNameOf).
    private static async Task<Dictionary<string, long>> StoredCountsAsync(IDocumentStore store)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT type, count(*) FROM {EventStoreSetup.SchemaName}.mt_events GROUP BY type", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static Request? Parse(string[] args)
    {
        string? action = null;
        var catalog = EventCatalog.DefaultDirectory;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "check" or "update" when action is null:
                    action = args[i];
                    break;
                case "--catalog" when i + 1 < args.Length:
                    catalog = args[++i];
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('='):
                    settings.Add(setting);
                    break;
                default:
                    return null;
            }
        }

        return new Request(action, catalog, [.. settings]);
    }

    private sealed record Request(string? Action, string Catalog, string[] Settings);
}
