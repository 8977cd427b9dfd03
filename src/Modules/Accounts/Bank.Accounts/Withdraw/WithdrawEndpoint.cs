using Bank.Accounts.Streams;

namespace Bank.Accounts.Withdraw;

internal static class WithdrawEndpoint
{
    public static void MapWithdraw(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/withdrawals", Handle)
            .WithName("Withdraw")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Takes money out of an account; the balance never goes below zero.")
            .Produces<BalanceAfterMovement>()
            .ProducesCommandProblems(refusable: true);

    internal static Task<IResult> Handle([AsParameters] MoneyMovement withdrawal, CancellationToken cancellationToken) =>
        withdrawal.RunAsync((account, money, reference) => account.Withdraw(money, withdrawal.Rates, reference), cancellationToken);
}
