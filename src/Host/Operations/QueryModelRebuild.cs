using Bank.Messaging.Replay;
using Marten;

namespace Bank.Host.Operations;

/// <summary>
/// Rebuilds a module's query models aside and swaps them in, so that readers never see a missing or an older document:
/// the module's query models are replayed into a scratch database, then written over the live ones in one transaction
/// per document type, each only where the live one is older, differs at the same version, or claims a version its
/// stream never reached (consumers of a running host may have moved it further meanwhile, but never past the event
/// store). Live documents derived from no event are removed, unless written since the rebuild began (consumers of a
/// running host make documents from events newer than the replay's last position). The <c>rebuild</c> command and the
/// operator console both run it; each run is recorded (<see cref="RebuildRuns"/>) for the console to show.
/// </summary>
internal sealed class QueryModelRebuild(IDocumentStore liveStore, QueryModelReplay liveReplay, IConfiguration configuration, RebuildRuns runs)
{
    /// <summary>Runs <paramref name="replay"/>, showing its progress as the caller likes.</summary>
    public delegate Task<long> ShowProgress(string label, Func<IProgress<(long Position, long Last)>, Task<long>> replay);

    public IReadOnlyList<string> Modules => liveReplay.Modules;

    /// <summary>The right to rebuild <paramref name="modules"/>, to hold while <see cref="RunAsync"/> runs; null while another rebuild holds it.</summary>
    public Task<RebuildLock?> TryLockAsync(IReadOnlyList<string> modules, CancellationToken cancellationToken) =>
        RebuildLock.TryTakeAsync(liveStore, modules, cancellationToken);

    /// <summary>Rebuilds each of <paramref name="modules"/> in turn; one line per module says what was done.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(
        IReadOnlyList<string> modules, string startedBy, ShowProgress show, CancellationToken cancellationToken)
    {
        var started = await ScratchDatabase.NowAsync(liveStore);
        var last = await QueryModelReplay.LastPositionAsync(liveStore, cancellationToken);
        var recorded = new List<RebuildRuns.Run>();
        try
        {
            foreach (var module in modules)
            {
                recorded.Add(await runs.StartAsync(module, startedBy, last, cancellationToken));
            }

            return await ScratchDatabase.UseAsync(configuration, async (scratchStore, scratchReplay) =>
            {
                var summaries = new List<string>();
                foreach (var run in recorded)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    var handled = await show(
                        $"rebuild {run.Module}",
                        progress => scratchReplay.ReplayAsync(run.Module, liveStore, last, new Both(progress, run), cancellationToken));
                    var (written, removed) = (0, 0);
                    foreach (var viewType in liveReplay.ViewTypesOf(run.Module))
                    {
                        var swapped = await QueryModelSwap.SwapAsync(viewType, liveStore, scratchStore, started);
                        (written, removed) = (written + swapped.Written, removed + swapped.Removed);
                    }

                    var summary = $"Rebuilt {run.Module}: {handled} events replayed up to position {last} in {watch.Elapsed.TotalSeconds:0.0} s; " +
                        $"{written} document(s) written, {removed} removed.";
                    await run.FinishAsync(summary, completed: true);
                    summaries.Add(summary);
                }

                return (IReadOnlyList<string>)summaries;
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var run in recorded)
            {
                await run.FinishAsync($"Failed: {e.Message}");
            }

            throw;
        }
        finally
        {
            foreach (var run in recorded)
            {
                // A module not reached, or one whose replay failed, is recorded as stopped.
                await run.FinishAsync("Stopped before it finished.");
            }
        }
    }

    private sealed class Both(IProgress<(long Position, long Last)> first, IProgress<(long Position, long Last)> second) : IProgress<(long Position, long Last)>
    {
        public void Report((long Position, long Last) value)
        {
            first.Report(value);
            second.Report(value);
        }
    }
}
