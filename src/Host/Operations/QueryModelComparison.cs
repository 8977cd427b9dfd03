using System.Text.Json.Nodes;
using Bank.BuildingBlocks.EventSourcing;
using Marten;
using Npgsql;

namespace Bank.Host.Operations;

/// <summary>What verify reports: where the live documents of one type differ from those replayed from the event store.</summary>
internal static class QueryModelComparison
{
    public static async Task<List<string>> CompareAsync(Type viewType, IDocumentStore live, IDocumentStore expected, DateTime started)
    {
        var table = live.Options.FindOrResolveDocumentType(viewType).TableName.QualifiedName;
        var wanted = await ReadAsync(expected, table, ids: null);
        var differences = new List<string>();
        List<string>? orphans = null;
        for (var attempt = 1; ; attempt++)
        {
            var actual = await ReadAsync(live, table, orphans is null ? null : wanted.Keys.ToArray());
            var streams = await StreamVersionsAsync(live, actual.Where(a => wanted.TryGetValue(a.Key, out var w) && a.Value.Version > w.Version).Select(a => a.Key));
            differences.Clear();
            foreach (var (id, (version, data, _)) in wanted.Select(w => (w.Key, w.Value)))
            {
                if (!actual.TryGetValue(id, out var found))
                {
                    differences.Add($"{viewType.Name} {id}: missing (expected version {version})");
                }
                else if (found.Version < version)
                {
                    differences.Add($"{viewType.Name} {id}: at version {found.Version}, expected {version}");
                }
                else if (found.Version > version && found.Version > streams.GetValueOrDefault(id))
                {
                    // Newer than the replay is fine only while events appended meanwhile explain it.
                    differences.Add(
                        $"{viewType.Name} {id}: at version {found.Version}, newer than the event store (its stream is at {streams.GetValueOrDefault(id)})");
                }
                else if (found.Version == version && DifferingFields(found.Data, data) is { Count: > 0 } fields)
                {
                    differences.Add($"{viewType.Name} {id}: differs at version {version} in {string.Join(", ", fields)}: {found.Data} instead of {data}");
                }
            }

            // Read once, from the whole table (later attempts read only the documents the events derive), leaving out those
            // written since verify began: consumers of a running host make them from events newer than the replay.
            orphans ??= actual
                .Where(a => !wanted.ContainsKey(a.Key) && a.Value.Modified < started)
                .Select(a => $"{viewType.Name} {a.Key}: not derived from any event")
                .ToList();
            if (differences.Count == 0 || attempt == 5)
            {
                return [.. differences, .. orphans];
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The top-level fields whose values differ between two documents.</summary>
    private static List<string> DifferingFields(string live, string expected)
    {
        var (found, wanted) = (JsonNode.Parse(live)!.AsObject(), JsonNode.Parse(expected)!.AsObject());
        return found.Select(p => p.Key).Union(wanted.Select(p => p.Key))
            .Where(name => !JsonNode.DeepEquals(found[name], wanted[name]))
            .ToList();
    }

    /// <summary>The current version of each stream among <paramref name="ids"/>; documents not keyed by a stream have none.</summary>
    private static async Task<Dictionary<string, long>> StreamVersionsAsync(IDocumentStore store, IEnumerable<string> ids)
    {
        var versions = new Dictionary<string, long>();
        var wanted = ids.ToArray();
        if (wanted.Length == 0)
        {
            return versions;
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT id::text, version FROM {EventStoreSetup.SchemaName}.mt_streams WHERE id::text = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", wanted);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    private static async Task<Dictionary<string, (long Version, string Data, DateTime Modified)>> ReadAsync(
        IDocumentStore store, string table, string[]? ids)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT id::text, mt_version, data::text, mt_last_modified FROM {table}" + (ids is null ? "" : " WHERE id::text = ANY(@ids)"), connection);
        if (ids is not null)
        {
            command.Parameters.AddWithValue("ids", ids);
        }

        var rows = new Dictionary<string, (long, string, DateTime)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2), reader.GetDateTime(3));
        }

        return rows;
    }
}
