using Bank.BuildingBlocks.EventSourcing;
using Marten;

namespace Bank.Host.Operations;

/// <summary>
/// Every rebuild of a module's query models, whichever instance or command runs it, with its progress saved once a
/// second: what the operator console shows under "rebuilds".
/// </summary>
internal sealed class RebuildRuns(IDocumentStore store, HostInstanceIdentity instance, TimeProvider clock, ILogger<RebuildRuns> logger)
{
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    /// <summary>A run whose progress was not saved for this long stopped without finishing: its process ended.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);

    public static void Register(StoreOptions options) =>
        options.Schema.For<RebuildRun>().DatabaseSchemaName(EventStoreSetup.SchemaName).Duplicate(run => run.StartedAt);

    public async Task<Run> StartAsync(string module, string startedBy, long last, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var run = new Run(store, clock, logger, new RebuildRun(Guid.NewGuid().ToString("N"), module, instance.Id, startedBy, now, 0, last, now, null, null));
        await run.SaveAsync(cancellationToken);
        run.SaveEverySecond();
        return run;
    }

    /// <summary>The runs started in the last day, newest first, at most <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<RebuildRun>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var since = clock.GetUtcNow() - TimeSpan.FromDays(1);
        return await session.Query<RebuildRun>().Where(run => run.StartedAt > since).OrderByDescending(run => run.StartedAt).Take(count).ToListAsync(cancellationToken);
    }

    public static bool IsRunning(RebuildRun run, DateTimeOffset now) => run.FinishedAt is null && now - run.UpdatedAt < AbandonedAfter;

    /// <summary>One run of one module: its progress is saved once a second while it goes on, and once more at its end.</summary>
    internal sealed class Run(IDocumentStore store, TimeProvider clock, ILogger logger, RebuildRun saved) : IProgress<(long Position, long Last)>
    {
        private readonly CancellationTokenSource _stop = new();
        private long _position;
        private Task _saving = Task.CompletedTask;
        private RebuildRun _run = saved;

        public string Module => _run.Module;

        public void Report((long Position, long Last) value) => Interlocked.Exchange(ref _position, value.Position);

        /// <summary>Records how the run ended; <paramref name="completed"/>: it replayed up to its last position.</summary>
        public async Task FinishAsync(string outcome, bool completed = false)
        {
            if (_run.FinishedAt is not null)
            {
                return;
            }

            await _stop.CancelAsync();
            await _saving;
            _run = _run with { Position = completed ? _run.Last : Interlocked.Read(ref _position), FinishedAt = clock.GetUtcNow(), Outcome = outcome };
            await SaveAsync(CancellationToken.None);
            _stop.Dispose();
        }

        internal void SaveEverySecond() => _saving = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(SaveInterval, clock);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    _run = _run with { Position = Interlocked.Read(ref _position), UpdatedAt = clock.GetUtcNow() };
                    try
                    {
                        await SaveAsync(_stop.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Progress is for show: the rebuild goes on without it, and the next second tries again.
                        logger.LogDebug(e, "Could not save the progress of the rebuild of {Module}", _run.Module);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Finished.
            }
        });

        internal async Task SaveAsync(CancellationToken cancellationToken)
        {
            await using var session = store.LightweightSession();
            session.Store(_run);
            await session.SaveChangesAsync(cancellationToken);
        }
    }
}
