using System.Text.Json.Serialization;
using Bank.Accounts.Streams;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Deposit;

internal static class DepositEndpoint
{
    internal sealed record DepositRequest([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency, string? Reference);

    internal sealed record DepositResponse(Guid AccountId, decimal Balance, long Version);

    public static void MapDeposit(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/deposits", Handle)
            .WithName("Deposit")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Pays money into an account; another currency is converted at the configured rate.")
            .Produces<DepositResponse>()
            .ProducesCommandProblems(refusable: false);

    internal static Task<IResult> Handle(
        string id,
        DepositRequest request,
        IdempotencyKey idempotencyKey,
        Caller caller,
        ExchangeRates rates,
        CommandPath commands,
        CancellationToken cancellationToken) =>
        commands.MoveMoneyAsync(
            new MoneyMovement(id, request.Amount, request.Currency, request.Reference, request, idempotencyKey, caller),
            (account, money, reference) => account.Deposit(money, rates, reference),
            (deposited, version) => TypedResults.Ok(new DepositResponse(deposited.AccountId, deposited.Balance, version)),
            cancellationToken);
}
