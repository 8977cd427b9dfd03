using Bank.BuildingBlocks.Money;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Accounts.Withdraw;

internal static class WithdrawEndpoint
{
    public static void MapWithdraw(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/withdrawals", Handle)
            .WithName("Withdraw")
            .WithSummary("Takes money out of an account; the balance never goes below zero.")
            .Produces<AccountBalanceResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    internal static Task<IResult> Handle(
        string id, MoneyMovementRequest request, ExchangeRates rates, IDocumentSession session, CancellationToken cancellationToken) =>
        MoneyMovement.ExecuteAsync(
            id, request, (account, money) => account.Withdraw(money, rates), withdrawn => withdrawn.Balance, session, cancellationToken);
}
