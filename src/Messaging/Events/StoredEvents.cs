using JasperFx.Events;

namespace Bank.Messaging.Events;

/// <summary>Committed events read back from the store in global order, a page at a time.</summary>
internal static class StoredEvents
{
    /// <summary>
    /// The events after position <paramref name="after"/> up to <paramref name="upTo"/>, in pages of <paramref name="pageSize"/>;
    /// with <paramref name="storedNames"/>, only events stored under those names (<see cref="EventTypeRegistry.StoredNamesOf"/>:
    /// every version of a type, where Marten's <c>EventTypesAre</c> would find only the current one).
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<IEvent>> PagesAsync(
        IQuerySession session,
        long after,
        long upTo,
        int pageSize,
        string[]? storedNames,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (after < upTo)
        {
            var query = session.Events.QueryAllRawEvents().Where(e => e.Sequence > after && e.Sequence <= upTo);
            if (storedNames is not null)
            {
                query = query.Where(e => e.EventTypeName.IsOneOf(storedNames));
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
