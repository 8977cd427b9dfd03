using System.Collections.Concurrent;
using Bank.Host.Operations;

namespace Bank.Host.OperatorConsole;

/// <summary>
/// Rebuilds started from the console: each runs in the background on this instance (the same
/// <see cref="QueryModelRebuild"/> as the <c>rebuild</c> command), one per module at a time across all instances and
/// commands. A stopping host waits for them to end, so that their scratch databases are dropped.
/// </summary>
internal sealed class ConsoleRebuilds(
    QueryModelRebuild rebuild, RebuildRuns runs, IHostApplicationLifetime lifetime, ILogger<ConsoleRebuilds> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>The modules whose query models can be rebuilt.</summary>
    public IReadOnlyList<string> Modules => rebuild.Modules;

    /// <summary>The latest rebuild runs, whoever started them.</summary>
    public Task<IReadOnlyList<RebuildRun>> RecentAsync(int count, CancellationToken cancellationToken) => runs.RecentAsync(count, cancellationToken);

    /// <summary>False when a rebuild of <paramref name="module"/> already runs, here or on another instance.</summary>
    public async Task<bool> TryStartAsync(string module, string operatorName, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        if (!_running.TryAdd(module, started.Task))
        {
            return false;
        }

        var held = await TryLockAsync(module, cancellationToken);
        if (held is null)
        {
            _running.TryRemove(module, out _);
            started.SetResult();
            return false;
        }

        logger.LogWarning("Operator {Operator} started a rebuild of the {Module} query models", operatorName, module);
        _ = Task.Run(async () =>
        {
            try
            {
                var summaries = await rebuild.RunAsync([module], $"operator {operatorName}", (_, replay) => replay(new Progress<(long, long)>()), lifetime.ApplicationStopping);
                logger.LogWarning("{Summary} (started by operator {Operator})", summaries.Single(), operatorName);
            }
            catch (Exception e)
            {
                logger.LogError(e, "The rebuild of the {Module} query models that operator {Operator} started failed", module, operatorName);
            }
            finally
            {
                await held.DisposeAsync();
                _running.TryRemove(module, out _);
                started.SetResult();
            }
        });
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.WhenAll(_running.Values).WaitAsync(cancellationToken);

    private async Task<RebuildLock?> TryLockAsync(string module, CancellationToken cancellationToken)
    {
        try
        {
            return await rebuild.TryLockAsync([module], cancellationToken);
        }
        catch
        {
            _running.TryRemove(module, out _);
            throw;
        }
    }
}
