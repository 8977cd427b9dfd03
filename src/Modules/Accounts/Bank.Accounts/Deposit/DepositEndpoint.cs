using Bank.Accounts.Streams;

namespace Bank.Accounts.Deposit;

internal static class DepositEndpoint
{
    public static void MapDeposit(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/deposits", Handle)
            .WithName("Deposit")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Pays money into an account; another currency is converted at the configured rate.")
            .Produces<BalanceAfterMovement>()
            .ProducesCommandProblems(refusable: false);

    internal static Task<IResult> Handle([AsParameters] MoneyMovement deposit, CancellationToken cancellationToken) =>
        deposit.RunAsync((account, money, reference) => account.Deposit(money, deposit.Rates, reference), cancellationToken);
}
