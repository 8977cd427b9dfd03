using Bank.Accounts.Contracts;

namespace Bank.Customers.GetCustomerDetails;

internal static class GetCustomerDetailsEndpoint
{
    internal sealed record CustomerDetailsResponse(
        Guid Id, string FirstName, string LastName, string Email, IReadOnlyList<AccountBalance> Accounts, TotalBalance TotalBalance);

    internal sealed record AccountBalance(Guid Id, string Currency, decimal Balance);

    internal sealed record TotalBalance(decimal Amount, string Currency);

    public static void MapGetCustomerDetails(this IEndpointRouteBuilder app) =>
        app.MapGet("/customers/{id}", Handle)
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithName("GetCustomer")
            .WithSummary(
                "A customer with their accounts and the total of their balances in the reporting currency. With accountId and " +
                "minVersion, answers once that account shows at least that version (read your own writes).")
            .Produces<CustomerDetailsResponse>()
            .ProducesReadProblems();

    internal static async Task<IResult> Handle(
        string id,
        string? accountId,
        string? minVersion,
        Caller caller,
        IAccountDirectory accounts,
        IQuerySession session,
        QueryModelWaits waits,
        ExchangeRates rates,
        ReportingCurrency reporting,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var customerId))
        {
            return Problems.InvalidId("id", id);
        }

        if (!await caller.MayActForAsync(customerId))
        {
            return Problems.NotFound("customer", customerId);
        }

        if (accountId is not null || minVersion is not null)
        {
            var waited = await WaitForAccountAsync(customerId, accountId, minVersion, accounts, session, waits, cancellationToken);
            if (waited is not null)
            {
                return waited;
            }
        }

        var customer = await session.LoadAsync<CustomerDetails>(customerId, cancellationToken);
        if (customer is null)
        {
            return Problems.NotFound("customer", customerId);
        }

        var held = await session.Query<CustomerAccount>()
            .Where(account => account.CustomerId == customerId)
            .OrderBy(account => account.Id)
            .ToListAsync(cancellationToken);
        // Valued exactly, rounded once: a report, not money that moves.
        var total = MoneyAmount.InCents(Math.Round(
            held.Sum(account =>
                Currencies.TryParse(account.Currency, out var currency) ? rates.ValueIn(account.Balance, currency, reporting.Currency) : 0m),
            2,
            MidpointRounding.ToEven));

        return TypedResults.Ok(new CustomerDetailsResponse(
            customer.Id,
            customer.FirstName,
            customer.LastName,
            customer.Email,
            held.Select(account => new AccountBalance(account.Id, account.Currency, account.Balance)).ToList(),
            new TotalBalance(total, reporting.Currency.ToString())));
    }

    /// <summary>
    /// <c>?accountId=…&amp;minVersion=N</c>: waits until the customer's view of that account shows version N (a
    /// command's returned version) and the customer's own view exists; null when they do, else the problem to answer.
    /// </summary>
    private static async Task<IResult?> WaitForAccountAsync(
        Guid customerId,
        string? accountId,
        string? minVersion,
        IAccountDirectory accounts,
        IQuerySession session,
        QueryModelWaits waits,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var account = Guid.Empty;
        if (accountId is null)
        {
            errors.Add("accountId", "Required with minVersion: the id of the customer's account whose version to wait for.");
        }
        else if (!Guid.TryParse(accountId, out account))
        {
            errors.Add("accountId", $"'{Problems.Truncate(accountId)}' is not a valid id (expected a GUID).");
        }

        var wanted = 0L;
        if (minVersion is null)
        {
            errors.Add("minVersion", "Required with accountId: the account's version to wait for, as a command on it answered.");
        }
        else if (!QueryModelWaits.TryParseMinVersion(minVersion, out wanted, out var error))
        {
            errors.Add("minVersion", error!);
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        // Asked of the Accounts module, which holds the account as committed: whose it is and how far its stream is.
        if (await accounts.FindAsync(account, cancellationToken) is not { } onRecord || onRecord.OwnerId != customerId)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Account not found.",
                detail: $"Customer {customerId} has no account {account}.");
        }

        var (_, behind) = await waits.LoadAtVersionAsync<CustomerAccount>(session, "account", account, wanted, onRecord.Version, cancellationToken);
        if (behind is not null)
        {
            return behind;
        }

        // The account is the customer's, so the customer exists; its own view comes from another topic and may be later.
        var customer = await waits.LoadAsync<CustomerDetails>(session, customerId, 1, cancellationToken);
        return customer is null ? Problems.QueryModelBehind("customer", customerId, 1, 0) : null;
    }
}
