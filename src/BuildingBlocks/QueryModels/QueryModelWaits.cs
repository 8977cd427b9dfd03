using System.Globalization;
using Marten;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// Lets a query wait for its own write: a reader asks for a view at a version at least N and is answered once
/// the view has it, or when <see cref="MaxWait"/> has passed. Waiting holds neither a thread nor a database
/// connection: every batch of query-model changes, in whichever instance it is written, announces the views it
/// changed (PostgreSQL NOTIFY, see <see cref="QueryModelChanges"/>), and only then is the view read again.
/// </summary>
public sealed class QueryModelWaits(TimeSpan maxWait)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string View, Guid Id), List<TaskCompletionSource>> _watching = [];

    /// <summary>How long a query waits at most (<c>QueryModels:MaxWait</c>).</summary>
    public TimeSpan MaxWait { get; } = maxWait;

    /// <summary>"minVersion" as a query gives it: a whole number from 1, or null with the error to report.</summary>
    public static bool TryParseMinVersion(string? text, out long minVersion, out string? error)
    {
        var valid = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minVersion) && minVersion >= 1;
        error = valid ? null : $"Must be a whole number from 1; '{Web.Problems.Truncate(text ?? "")}' is not.";
        return valid;
    }

    /// <summary>
    /// The view once it has reached <paramref name="minVersion"/>, or as it is when <see cref="MaxWait"/> runs out
    /// (null when it does not exist yet).
    /// </summary>
    public async Task<TView?> LoadAsync<TView>(IQuerySession session, Guid id, long minVersion, CancellationToken cancellationToken)
        where TView : class, IVersionedView
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(MaxWait);
        var key = (typeof(TView).Name, id);
        while (true)
        {
            // Watched before reading, so that a change written in between is not missed.
            var changed = Watch(key);
            try
            {
                var view = await session.LoadAsync<TView>(id, cancellationToken);
                if (view is not null && view.Version >= minVersion)
                {
                    return view;
                }

                try
                {
                    await changed.Task.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return view;
                }
            }
            finally
            {
                Unwatch(key, changed);
            }
        }
    }

    /// <summary>Views that a batch wrote, named as <c>{ViewType}:{id}</c>.</summary>
    internal void Changed(string view, Guid id)
    {
        List<TaskCompletionSource>? watchers;
        lock (_lock)
        {
            _watching.Remove((view, id), out watchers);
        }

        foreach (var watcher in watchers ?? [])
        {
            watcher.TrySetResult();
        }
    }

    /// <summary>After notifications may have been missed (the listening connection was lost), every waiter reads again.</summary>
    internal void AllMayHaveChanged()
    {
        List<TaskCompletionSource> watchers;
        lock (_lock)
        {
            watchers = _watching.Values.SelectMany(w => w).ToList();
            _watching.Clear();
        }

        foreach (var watcher in watchers)
        {
            watcher.TrySetResult();
        }
    }

    private TaskCompletionSource Watch((string View, Guid Id) key)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_watching.TryGetValue(key, out var watchers))
            {
                watchers = [];
                _watching.Add(key, watchers);
            }

            watchers.Add(changed);
        }

        return changed;
    }

    private void Unwatch((string View, Guid Id) key, TaskCompletionSource changed)
    {
        lock (_lock)
        {
            if (_watching.TryGetValue(key, out var watchers) && watchers.Remove(changed) && watchers.Count == 0)
            {
                _watching.Remove(key);
            }
        }
    }
}
