using JasperFx.Events;
using Marten;

namespace Bank.Messaging.Events;

/// <summary>Committed events read back from the store in global order, a page at a time.</summary>
internal static class StoredEvents
{
    /// <summary>The events after position <paramref name="after"/> up to <paramref name="upTo"/>, in pages of <paramref name="pageSize"/>.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<IEvent>> PagesAsync(
        IQuerySession session, long after, long upTo, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (after < upTo)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.Sequence <= upTo)
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
