using Bank.Customers.GetCustomerDetails;

namespace Bank.Customers.ListCustomers;

internal static class ListCustomersEndpoint
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    internal sealed record CustomerListItem(Guid Id, string FirstName, string LastName, string Email);

    public static void MapListCustomers(this IEndpointRouteBuilder app) =>
        app.MapGet("/customers", Handle)
            .RequireAuthorization(BankAccess.OperatorOnly)
            .WithName("ListCustomers")
            .WithSummary($"Customers, newest first, a page at a time (page from 1, pageSize 1 to {MaxPageSize}).")
            .WithMetadata(new PagingLimits(MaxPageSize))
            .Produces<ListPage<CustomerListItem>>()
            .ProducesValidationProblem();

    internal static async Task<IResult> Handle(string? page, string? pageSize, IQuerySession session, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var paging = Paging.Parse(page, pageSize, DefaultPageSize, MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await paging.ReadAsync(
            session.Query<CustomerDetails>(),
            newestFirst => newestFirst.OrderByDescending(customer => customer.CreatedAt).ThenByDescending(customer => customer.Id),
            customer => new CustomerListItem(customer.Id, customer.FirstName, customer.LastName, customer.Email),
            cancellationToken));
    }
}
