using System.Text.Json.Serialization;
using Bank.Accounts.Streams;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Withdraw;

internal static class WithdrawEndpoint
{
    internal sealed record WithdrawalRequest([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency, string? Reference);

    internal sealed record WithdrawalResponse(Guid AccountId, decimal Balance, long Version);

    public static void MapWithdraw(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/withdrawals", Handle)
            .WithName("Withdraw")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Takes money out of an account; the balance never goes below zero.")
            .Produces<WithdrawalResponse>()
            .ProducesCommandProblems(refusable: true);

    internal static Task<IResult> Handle(
        string id,
        WithdrawalRequest request,
        IdempotencyKey idempotencyKey,
        Caller caller,
        ExchangeRates rates,
        CommandPath commands,
        CancellationToken cancellationToken) =>
        commands.MoveMoneyAsync(
            new MoneyMovement(id, request.Amount, request.Currency, request.Reference, request, idempotencyKey, caller),
            (account, money, reference) => account.Withdraw(money, rates, reference),
            (withdrawn, version) => TypedResults.Ok(new WithdrawalResponse(withdrawn.AccountId, withdrawn.Balance, version)),
            cancellationToken);
}
