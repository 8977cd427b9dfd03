using System.Text.Json.Serialization;
using Bank.Accounts.Domain;
using Bank.Accounts.Streams;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Withdraw;

internal static class WithdrawEndpoint
{
    internal sealed record WithdrawalRequest([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency);

    internal sealed record WithdrawalResponse(Guid AccountId, decimal Balance, long Version);

    public static void MapWithdraw(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/withdrawals", Handle)
            .WithName("Withdraw")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Takes money out of an account; the balance never goes below zero.")
            .Produces<WithdrawalResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    internal static async Task<IResult> Handle(
        string id,
        WithdrawalRequest request,
        IdempotencyKey idempotencyKey,
        Caller caller,
        ExchangeRates rates,
        CommandPath commands,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return Problems.InvalidId("id", id);
        }

        if (!Money.TryCreate(request.Amount, request.Currency, out var money, out var errors))
        {
            return Problems.Validation(errors);
        }

        return await commands.RunAsync(idempotencyKey, request, async (session, cancellation) =>
        {
            if (await session.LockOwnedAsync(caller, accountId, cancellation) is not { } account)
            {
                return Problems.NotFound("account", accountId);
            }

            var withdrawn = account.Aggregate!.Withdraw(money, rates);
            account.AppendOne(withdrawn);
            return TypedResults.Ok(new WithdrawalResponse(accountId, withdrawn.Balance, account.CurrentVersion.GetValueOrDefault()));
        }, cancellationToken);
    }
}
