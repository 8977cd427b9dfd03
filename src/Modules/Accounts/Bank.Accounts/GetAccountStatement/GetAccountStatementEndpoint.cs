using Bank.Accounts.GetAccountDetails;

namespace Bank.Accounts.GetAccountStatement;

internal static class GetAccountStatementEndpoint
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// One money movement; <see cref="TransferId"/> and <see cref="CounterpartyAccountId"/> are null but for transfers, and
    /// <see cref="Reference"/> when the payer gave none.
    /// </summary>
    internal sealed record StatementItem(
        long Version,
        string Type,
        DateTimeOffset OccurredAt,
        decimal Amount,
        string Currency,
        decimal OriginalAmount,
        string OriginalCurrency,
        decimal ExchangeRate,
        decimal Balance,
        Guid? TransferId,
        Guid? CounterpartyAccountId,
        string? Reference);

    public static void MapGetAccountStatement(this IEndpointRouteBuilder app) =>
        app.MapGet("/accounts/{id}/transactions", Handle)
            .WithName("GetAccountStatement")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary(
                $"An account's money movements, newest first, a page at a time (page from 1, pageSize 1 to {MaxPageSize}), each with " +
                "the balance after it. With minVersion, answers once the statement shows at least that version.")
            .WithMetadata(new PagingLimits(MaxPageSize))
            .Produces<ListPage<StatementItem>>()
            .ProducesReadProblems();

    internal static async Task<IResult> Handle(
        string id,
        string? page,
        string? pageSize,
        string? minVersion,
        Caller caller,
        IQuerySession session,
        QueryModelWaits waits,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return Problems.InvalidId("id", id);
        }

        var errors = new ValidationErrors();
        var paging = Paging.Parse(page, pageSize, DefaultPageSize, MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        var (account, problem) = await AccountDetailsAtVersion.LoadAsync(session, waits, caller, accountId, minVersion, cancellationToken);
        if (account is null)
        {
            return problem!;
        }

        var lines = session.Query<StatementLine>().Where(line => line.AccountId == accountId);
        return TypedResults.Ok(await paging.ReadAsync(
            lines,
            newestFirst => newestFirst.OrderByDescending(line => line.Version),
            line => new StatementItem(
                line.Version,
                line.Type,
                line.OccurredAt,
                line.Amount,
                line.Currency,
                line.OriginalAmount,
                line.OriginalCurrency,
                line.ExchangeRate,
                line.Balance,
                line.TransferId,
                line.CounterpartyAccountId,
                line.Reference),
            cancellationToken));
    }
}
