using System.Globalization;
using Marten;

namespace Bank.BuildingBlocks.Web;

/// <summary>A page of a list, from the query string's <c>page</c> (from 1) and <c>pageSize</c>.</summary>
public sealed record Paging(int Page, int PageSize)
{
    /// <summary>How many items come before the page.</summary>
    public int Skip => (Page - 1) * PageSize;

    /// <summary>The page asked for; a malformed or out-of-range value adds its error to <paramref name="errors"/>.</summary>
    public static Paging Parse(string? page, string? pageSize, int defaultPageSize, int maxPageSize, ValidationErrors errors) =>
        new(
            Parse(page, 1, "page", 1, int.MaxValue / maxPageSize, errors),
            Parse(pageSize, defaultPageSize, "pageSize", 1, maxPageSize, errors));

    /// <summary>
    /// This page of <paramref name="query"/> in the order <paramref name="order"/> gives, each document made an item, with
    /// the count of the whole list.
    /// </summary>
    public async Task<ListPage<TItem>> ReadAsync<TDocument, TItem>(
        IQueryable<TDocument> query,
        Func<IQueryable<TDocument>, IOrderedQueryable<TDocument>> order,
        Func<TDocument, TItem> item,
        CancellationToken cancellationToken)
        where TDocument : notnull
    {
        var total = await query.CountAsync(cancellationToken);
        var documents = await order(query).Skip(Skip).Take(PageSize).ToListAsync(cancellationToken);
        return new ListPage<TItem>(documents.Select(item).ToList(), Page, PageSize, total);
    }

    private static int Parse(string? value, int fallback, string field, int min, int max, ValidationErrors errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(field, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }
}
