using System.Diagnostics;
using System.Text.Json.Nodes;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging.Replay;
using Marten;
using Npgsql;
using Spectre.Console;

namespace Bank.Host;

/// <summary>
/// <c>Bank.Host verify</c> and <c>Bank.Host rebuild [module]</c>: operators' tools for the query models.
/// Both replay the event store through the modules' own consumer classes.
/// </summary>
internal static class QueryModelCommands
{
    private static readonly TimeSpan OperatorStatementTimeout = TimeSpan.FromMinutes(10);

    public const string Verify = "verify";
    public const string Rebuild = "rebuild";

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args[0];
        var module = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
        var settings = args.Skip(module is null ? 1 : 2).ToArray();
        await using var live = BuildServices(settings, connectionString: null);
        var replay = live.GetRequiredService<QueryModelReplay>();
        if (module is not null && !replay.Modules.Contains(module))
        {
            await Console.Error.WriteLineAsync($"Unknown module '{module}'. Modules: {string.Join(", ", replay.Modules)}.");
            return 2;
        }

        var store = live.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var modules = module is null ? replay.Modules : [module];
        var configuration = live.GetRequiredService<IConfiguration>();
        return command == Rebuild
            ? await RebuildAsync(settings, configuration, store, replay, modules)
            : await VerifyAsync(settings, configuration, store, replay, modules);
    }

    /// <summary>
    /// Rebuilds aside and swaps, so that readers never see a missing or an older document: the module's query models
    /// are replayed into a scratch database, then written over the live ones in one transaction per document type,
    /// each only where the live one is older, differs at the same version, or claims a version its stream never reached
    /// (consumers of a running host may have moved it further meanwhile, but never past the event store). Live
    /// documents derived from no event are removed, unless written since the rebuild began (consumers of a running
    /// host make documents from events newer than the replay's last position).
    /// </summary>
    private static async Task<int> RebuildAsync(
        string[] settings, IConfiguration configuration, IDocumentStore liveStore, QueryModelReplay liveReplay, IReadOnlyList<string> modules)
    {
        var started = await DatabaseTimeAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, CancellationToken.None);
        return await WithScratchDatabaseAsync(settings, configuration, async (scratchStore, scratchReplay) =>
        {
            foreach (var module in modules)
            {
                var watch = Stopwatch.StartNew();
                var handled = await WithProgressAsync(
                    $"rebuild {module}", progress => scratchReplay.ReplayAsync(module, liveStore, last, progress, CancellationToken.None));
                var (written, removed) = (0, 0);
                foreach (var viewType in liveReplay.ViewTypesOf(module))
                {
                    var swapped = await SwapAsync(viewType, liveStore, scratchStore, started);
                    (written, removed) = (written + swapped.Written, removed + swapped.Removed);
                }

                Console.WriteLine(
                    $"Rebuilt {module}: {handled} events replayed up to position {last} in {watch.Elapsed.TotalSeconds:0.0} s; " +
                    $"{written} document(s) written, {removed} removed.");
            }

            return 0;
        });
    }

    /// <summary>Writes the rebuilt documents of one type over the live ones, and removes the live ones no event derives.</summary>
    private static async Task<(int Written, int Removed)> SwapAsync(Type viewType, IDocumentStore live, IDocumentStore rebuilt, DateTime started)
    {
        var table = live.Options.FindOrResolveDocumentType(viewType).TableName.QualifiedName;
        await using var source = rebuilt.Storage.Database.CreateConnection();
        await using var target = live.Storage.Database.CreateConnection();
        await source.OpenAsync();
        await target.OpenAsync();
        await using var transaction = await target.BeginTransactionAsync();
        await ExecuteAsync(target, $"CREATE TEMP TABLE rebuilt (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP");
        await using (var reading = await source.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)"))
        await using (var writing = await target.BeginRawBinaryCopyAsync("COPY rebuilt FROM STDIN (FORMAT BINARY)"))
        {
            await reading.CopyToAsync(writing);
        }

        var columns = await ColumnsAsync(target);
        var written = await ExecuteAsync(
            target,
            $"INSERT INTO {table} AS live ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns)} FROM rebuilt " +
            $"ON CONFLICT (id) DO UPDATE SET ({string.Join(", ", columns)}) = ROW({string.Join(", ", columns.Select(c => "EXCLUDED." + c))}) " +
            "WHERE live.mt_version < EXCLUDED.mt_version OR (live.mt_version = EXCLUDED.mt_version AND live.data <> EXCLUDED.data) " +
            $"OR live.mt_version > (SELECT s.version FROM {EventStoreSetup.SchemaName}.mt_streams s WHERE s.id = live.id)");
        var removed = await ExecuteAsync(
            target,
            $"DELETE FROM {table} AS live WHERE NOT EXISTS (SELECT 1 FROM rebuilt WHERE rebuilt.id = live.id) " +
            $"AND live.mt_last_modified < '{started:O}'::timestamptz");
        await transaction.CommitAsync();
        return (written, removed);
    }

    private static async Task<DateTime> DatabaseTimeAsync(IDocumentStore store)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT now()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = 'pg_temp.rebuilt'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            connection);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Recomputes every query model into a scratch database and compares it with the live one. Events
    /// appended meanwhile make live documents newer, which is not a difference as long as their streams have
    /// reached that version; a live document behind is checked again a few times before it counts, so that a
    /// lagging consumer is not reported.
    /// </summary>
    private static async Task<int> VerifyAsync(
        string[] settings, IConfiguration configuration, IDocumentStore liveStore, QueryModelReplay liveReplay, IReadOnlyList<string> modules)
    {
        var started = await DatabaseTimeAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, CancellationToken.None);
        return await WithScratchDatabaseAsync(settings, configuration, async (scratchStore, scratchReplay) =>
        {
            var differences = new List<string>();
            foreach (var module in modules)
            {
                var handled = await WithProgressAsync(
                    $"verify {module}", progress => scratchReplay.ReplayAsync(module, liveStore, last, progress, CancellationToken.None));
                foreach (var viewType in liveReplay.ViewTypesOf(module))
                {
                    differences.AddRange(await CompareAsync(viewType, liveStore, scratchStore, started));
                }

                Console.WriteLine($"Verified {module}: {handled} events up to position {last}.");
            }

            foreach (var difference in differences)
            {
                Console.WriteLine(difference);
            }

            Console.WriteLine(differences.Count == 0
                ? "Query models match the event store."
                : $"{differences.Count} difference(s) between the query models and the event store.");
            return differences.Count == 0 ? 0 : 1;
        });
    }

    /// <summary>A scratch database beside the live one, with the query-model schema, for the length of <paramref name="use"/>.</summary>
    private static async Task<int> WithScratchDatabaseAsync(
        string[] settings, IConfiguration configuration, Func<IDocumentStore, QueryModelReplay, Task<int>> use)
    {
        var liveConnection = new NpgsqlConnectionStringBuilder(SettingSections.Read<DatabaseSettings>(configuration).Postgres);
        var scratchName = $"{liveConnection.Database}_scratch_{Guid.NewGuid():N}"[..Math.Min(63, liveConnection.Database!.Length + 41)];
        await ExecuteOnServerAsync(liveConnection, $"CREATE DATABASE \"{scratchName}\"");
        try
        {
            var scratchConnection = new NpgsqlConnectionStringBuilder(liveConnection.ConnectionString) { Database = scratchName };
            await using var scratch = BuildServices(settings, scratchConnection.ConnectionString);
            var scratchStore = scratch.GetRequiredService<IDocumentStore>();
            await scratchStore.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            return await use(scratchStore, scratch.GetRequiredService<QueryModelReplay>());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await DropScratchDatabaseAsync(liveConnection, scratchName);
        }
    }

    private static async Task DropScratchDatabaseAsync(NpgsqlConnectionStringBuilder liveConnection, string scratchName)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteOnServerAsync(liveConnection, $"DROP DATABASE IF EXISTS \"{scratchName}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (attempt < 10 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // An autovacuum worker on the freshly filled database is a process this role may not end: it leaves soon.
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        }
    }

    private static async Task<List<string>> CompareAsync(Type viewType, IDocumentStore live, IDocumentStore expected, DateTime started)
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

    private static async Task ExecuteOnServerAsync(NpgsqlConnectionStringBuilder database, string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The host's services without its web front, relay or consumers; optionally on another database or transport.</summary>
    internal static ServiceProvider BuildServices(
        string[] args, string? connectionString, string transport = "InMemory", Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Relay:Enabled"] = "false",
            ["Messaging:ConsumersEnabled"] = "false",
            ["Messaging:Transport"] = transport,
        });
        // Operator commands run statements over whole tables: the host's per-statement bound is for requests.
        var problems = new List<string>();
        var database = SettingSections.Read<DatabaseSettings>(builder.Configuration, problems);
        if (problems.Count > 0)
        {
            throw new BadSettingsException([.. problems.Select(problem => $"Configuration error: {problem}")]);
        }

        var connection = new NpgsqlConnectionStringBuilder(connectionString ?? database.Postgres)
        {
            CommandTimeout = (int)OperatorStatementTimeout.TotalSeconds,
        };
        builder.Configuration[$"{DatabaseSettings.SectionName}:{nameof(DatabaseSettings.Postgres)}"] = connection.ConnectionString;

        builder.Services.AddBank(builder.Configuration);
        configure?.Invoke(builder.Services, builder.Configuration);
        if (Configuration.Problems(builder.Services, builder.Configuration) is { Count: > 0 } bad)
        {
            throw new BadSettingsException(bad);
        }

        return builder.Services.BuildServiceProvider();
    }

    /// <summary>
    /// Runs <paramref name="replay"/> under a progress bar: drawn in place on a terminal, a line at each
    /// milestone when the output goes to a file or a pipe.
    /// </summary>
    private static Task<long> WithProgressAsync(string label, Func<IProgress<(long Position, long Last)>, Task<long>> replay) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label.EscapeMarkup());
                var handled = await replay(new ReplayProgress(task));
                task.Value = task.MaxValue;
                return handled;
            });

    private sealed class ReplayProgress(ProgressTask task) : IProgress<(long Position, long Last)>
    {
        public void Report((long Position, long Last) value)
        {
            task.MaxValue = Math.Max(1, value.Last);
            task.Value = value.Position;
        }
    }
}
