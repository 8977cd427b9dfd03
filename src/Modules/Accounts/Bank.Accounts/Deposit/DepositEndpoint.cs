using System.Text.Json.Serialization;
using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Access;
using Bank.BuildingBlocks.Web.Idempotency;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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
        IDocumentSession session,
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

        if (await idempotencyKey.EarlierAnswerAsync(session, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        // The row lock serialises commands on one account: each is decided against the latest balance.
        var account = await session.Events.FetchForExclusiveWriting<Account>(accountId, cancellationToken);
        if (account.Aggregate is null || !await caller.MayActForAsync(account.Aggregate.OwnerId))
        {
            return await idempotencyKey.CommitAsync(session, Problems.NotFound("account", accountId), cancellationToken);
        }

        MoneyDeposited deposited;
        try
        {
            deposited = account.Aggregate.Deposit(money, rates);
        }
        catch (AmountTooSmall refused)
        {
            return Problems.Validation(new Dictionary<string, string> { ["amount"] = refused.Message });
        }

        account.AppendOne(deposited);
        return await idempotencyKey.CommitAsync(
            session, TypedResults.Ok(new DepositResponse(accountId, deposited.Balance, account.CurrentVersion.GetValueOrDefault())), cancellationToken);
    }
}
