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
            ? await RebuildAsync(live.GetRequiredService<QueryModelRebuild>(), modules)
            : await VerifyAsync(configuration, store, replay, modules);
    }

    /// <summary>Rebuilds aside and swaps (<see cref="QueryModelRebuild"/>), with a progress bar.</summary>
    private static async Task<int> RebuildAsync(QueryModelRebuild rebuild, IReadOnlyList<string> modules)
    {
        await using var held = await rebuild.TryLockAsync(modules, CancellationToken.None);
        if (held is null)
        {
            await Console.Error.WriteLineAsync($"A rebuild of {string.Join(" or ", modules)} is running already (another command, or the operator console); try again once it has finished.");
            return 1;
        }

        foreach (var summary in await rebuild.RunAsync(modules, $"the rebuild command ({Environment.UserName})", ReplayProgressBar.RunAsync, CancellationToken.None))
        {
            Console.WriteLine(summary);
        }

        return 0;
    }

    /// <summary>
    /// Recomputes every query model into a scratch database and compares it with the live one. Events
    /// appended meanwhile make live documents newer, which is not a difference as long as their streams have
    /// reached that version; a live document behind is checked again a few times before it counts, so that a
    /// lagging consumer is not reported.
    /// </summary>
    private static async Task<int> VerifyAsync(
        IConfiguration configuration, IDocumentStore liveStore, QueryModelReplay liveReplay, IReadOnlyList<string> modules)
    {
        var started = await ScratchDatabase.NowAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, CancellationToken.None);
        return await ScratchDatabase.UseAsync(configuration, async (scratchStore, scratchReplay) =>
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
