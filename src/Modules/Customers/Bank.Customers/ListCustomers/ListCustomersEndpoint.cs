using Bank.Customers.GetCustomerDetails;

namespace Bank.Customers.ListCustomers;

internal static class ListCustomersEndpoint
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    internal sealed record CustomerListResponse(IReadOnlyList<CustomerListItem> Items, int Page, int PageSize, long TotalCount);

    internal sealed record CustomerListItem(Guid Id, string FirstName, string LastName, string Email);

    public static void MapListCustomers(this IEndpointRouteBuilder app) =>
        app.MapGet("/customers", Handle)
            .RequireAuthorization(BankAccess.OperatorOnly)
            .WithName("ListCustomers")
            .WithSummary($"Customers, newest first, a page at a time (page from 1, pageSize 1 to {MaxPageSize}).")
            .WithMetadata(new PagingLimits(MaxPageSize))
            .Produces<CustomerListResponse>()
            .ProducesValidationProblem();

    internal static async Task<IResult> Handle(string? page, string? pageSize, IQuerySession session, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var paging = Paging.Parse(page, pageSize, DefaultPageSize, MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var query = session.Query<CustomerDetails>();
        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(customer => customer.CreatedAt)
            .ThenByDescending(customer => customer.Id)
            .Skip(paging.Skip)
            .Take(paging.PageSize)
            .ToListAsync(cancellationToken);

        return TypedResults.Ok(new CustomerListResponse(
            items.Select(p => new CustomerListItem(p.Id, p.FirstName, p.LastName, p.Email)).ToList(), paging.Page, paging.PageSize, total));
    }
}
