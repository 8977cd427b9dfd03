namespace Bank.Accounts.GetAccountDetails;

internal static class GetAccountDetailsEndpoint
{
    /// <summary><see cref="OwnerName"/> and <see cref="OwnerEmail"/> are null until the owner's events have arrived.</summary>
    internal sealed record AccountDetailsResponse(
        Guid Id, Guid OwnerId, string? OwnerName, string? OwnerEmail, string Currency, decimal Balance, long Version);

    public static void MapGetAccountDetails(this IEndpointRouteBuilder app) =>
        app.MapGet("/accounts/{id}", Handle)
            .WithName("GetAccount")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary(
                "An account with its owner's name and email, its balance and its stream version. With minVersion, answers once " +
                "the account shows at least that version (a command's returned version: read your own writes).")
            .Produces<AccountDetailsResponse>()
            .ProducesReadProblems();

    internal static async Task<IResult> Handle(
        string id, string? minVersion, Caller caller, IQuerySession session, QueryModelWaits waits, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return Problems.InvalidId("id", id);
        }

        var (account, problem) = await AccountDetailsAtVersion.LoadAsync(session, waits, caller, accountId, minVersion, cancellationToken);
        if (account is null)
        {
            return problem!;
        }

        var owner = await session.LoadAsync<AccountOwner>(account.OwnerId, cancellationToken);
        return TypedResults.Ok(new AccountDetailsResponse(
            account.Id,
            account.OwnerId,
            owner is null ? null : $"{owner.FirstName} {owner.LastName}",
            owner?.Email,
            account.Currency,
            account.Balance,
            account.Version));
    }
}
