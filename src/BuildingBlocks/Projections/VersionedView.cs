using Bank.BuildingBlocks.Messaging;
using Marten;
using MassTransit;

namespace Bank.BuildingBlocks.Projections;

/// <summary>
/// A query-model document fed by one event stream. <see cref="Version"/> is the version of the
/// last event of that stream applied to it: Marten's numeric revision of the document.
/// </summary>
public interface IVersionedView
{
    Guid Id { get; }

    long Version { get; }
}

public static class VersionedViews
{
    /// <summary>
    /// Applies an event to the view of its stream only when it is newer than what the view has seen:
    /// duplicates and older events change nothing, so at-least-once delivery has an exactly-once effect.
    /// The database checks the version again on write, so two instances racing on one view cannot
    /// move it backwards.
    /// </summary>
    public static async Task ApplyAsync<TView>(
        this IDocumentSession session, ConsumeContext context, Guid id, Func<TView?, long, TView> apply)
        where TView : class, IVersionedView
    {
        var version = context.GetEventMetadata().StreamVersion;
        var current = await session.LoadAsync<TView>(id, context.CancellationToken);
        if (current is not null && current.Version >= version)
        {
            return;
        }

        var next = apply(current, version);
        if (current is null)
        {
            session.Insert(next);
        }
        else
        {
            session.TryUpdateRevision(next, version);
        }

        await session.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>The retry policy of projection consumers: transient failures (a database hiccup, a write race) pass.</summary>
public static class ProjectionRetry
{
    public static void Configure(IRetryConfigurator retry)
    {
        retry.Intervals(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1));
        retry.Ignore<OperationCanceledException>();
    }
}
