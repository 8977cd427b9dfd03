using System.Diagnostics;
using Bank.Messaging.Replay;
using Marten;

namespace Bank.Host.Operations;

/// <summary>
/// <c>Bank.Host verify</c> and <c>Bank.Host rebuild [module]</c>: operators' tools for the query models.
/// Both replay the event store through the modules' own consumer classes.
/// </summary>
internal static class QueryModelCommands
{
    public const string Verify = "verify";
    public const string Rebuild = "rebuild";

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args[0];
        var module = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
        var settings = args.Skip(module is null ? 1 : 2).ToArray();
        await using var live = OperatorServices.Build(settings, connectionString: null);
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
        var started = await ScratchDatabase.NowAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, CancellationToken.None);
        return await ScratchDatabase.UseAsync(settings, configuration, async (scratchStore, scratchReplay) =>
        {
            foreach (var module in modules)
            {
                var watch = Stopwatch.StartNew();
                var handled = await ReplayProgressBar.RunAsync(
                    $"rebuild {module}", progress => scratchReplay.ReplayAsync(module, liveStore, last, progress, CancellationToken.None));
                var (written, removed) = (0, 0);
                foreach (var viewType in liveReplay.ViewTypesOf(module))
                {
                    var swapped = await QueryModelSwap.SwapAsync(viewType, liveStore, scratchStore, started);
                    (written, removed) = (written + swapped.Written, removed + swapped.Removed);
                }

                Console.WriteLine(
                    $"Rebuilt {module}: {handled} events replayed up to position {last} in {watch.Elapsed.TotalSeconds:0.0} s; " +
                    $"{written} document(s) written, {removed} removed.");
            }

            return 0;
        });
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
        var started = await ScratchDatabase.NowAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, CancellationToken.None);
        return await ScratchDatabase.UseAsync(settings, configuration, async (scratchStore, scratchReplay) =>
        {
            var differences = new List<string>();
            foreach (var module in modules)
            {
                var handled = await ReplayProgressBar.RunAsync(
                    $"verify {module}", progress => scratchReplay.ReplayAsync(module, liveStore, last, progress, CancellationToken.None));
                foreach (var viewType in liveReplay.ViewTypesOf(module))
                {
                    differences.AddRange(await QueryModelComparison.CompareAsync(viewType, liveStore, scratchStore, started));
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
}
