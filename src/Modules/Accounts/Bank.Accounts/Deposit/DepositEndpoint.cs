using System.Text.Json.Serialization;
using Bank.Accounts.Domain;
using Bank.Accounts.Streams;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Deposit;

internal static class DepositEndpoint
{
    internal sealed record DepositRequest([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency);

    internal sealed record DepositResponse(Guid AccountId, decimal Balance, long Version);

    public static void MapDeposit(this IEndpointRouteBuilder app) =>
        app.MapPost("/accounts/{id}/deposits", Handle)
            .WithName("Deposit")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary("Pays money into an account; another currency is converted at the configured rate.")
            .Produces<DepositResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal static async Task<IResult> Handle(
        string id,
        DepositRequest request,
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

            var deposited = account.Aggregate!.Deposit(money, rates);
            account.AppendOne(deposited);
            return TypedResults.Ok(new DepositResponse(accountId, deposited.Balance, account.CurrentVersion.GetValueOrDefault()));
        }, cancellationToken);
    }
}
