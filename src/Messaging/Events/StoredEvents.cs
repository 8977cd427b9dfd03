using JasperFx.Events;
using Marten.Events;

namespace Bank.Messaging.Events;

/// <summary>Committed events read back from the store in global order, a page at a time.</summary>
internal static class StoredEvents
{
    /// <summary>
    /// The events after position <paramref name="after"/> up to <paramref name="upTo"/>, in pages of <paramref name="pageSize"/>;
    /// with <paramref name="types"/>, only events of those types.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<IEvent>> PagesAsync(
        IQuerySession session,
        long after,
        long upTo,
        int pageSize,
        Type[]? types,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (after < upTo)
        {
            var query = session.Events.QueryAllRawEvents().Where(e => e.Sequence > after && e.Sequence <= upTo);
            if (types is not null)
            {
                query = query.Where(e => e.EventTypesAre(types));
            }

            var page = await query
                .OrderBy(e => e.Sequence)
                .Take(pageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            after = page[^1].Sequence;
        }
    }
}
