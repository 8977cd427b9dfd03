namespace Bank.BuildingBlocks.Web;

/// <summary>One page of a list: its items, which page it is, and how many items the whole list holds.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, long TotalCount);
