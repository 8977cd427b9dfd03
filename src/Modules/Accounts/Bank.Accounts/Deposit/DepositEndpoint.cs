using Bank.BuildingBlocks.Money;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Accounts.Deposit;

internal static class DepositEndpoint
{
    public static void MapDeposit(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/deposits", Handle)
            .WithName("Deposit")
            .WithSummary("Pays money into an account; another currency is converted at the configured rate.")
            .Produces<AccountBalanceResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static Task<IResult> Handle(
        string id, MoneyMovementRequest request, ExchangeRates rates, IDocumentSession session, CancellationToken cancellationToken) =>
        MoneyMovement.ExecuteAsync(
            id, request, (account, money) => account.Deposit(money, rates), deposited => deposited.Balance, session, cancellationToken);
}
