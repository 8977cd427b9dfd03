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

        // The row lock serialises commands on one account: no two withdrawals spend the same balance.
        var account = await session.Events.FetchForExclusiveWriting<Account>(accountId, cancellationToken);
        if (account.Aggregate is null || !await caller.MayActForAsync(account.Aggregate.OwnerId))
        {
            return await idempotencyKey.CommitAsync(session, Problems.NotFound("account", accountId), cancellationToken);
        }

        MoneyWithdrawn withdrawn;
        try
        {
            withdrawn = account.Aggregate.Withdraw(money, rates);
        }
        catch (InsufficientFunds refused)
        {
            return await idempotencyKey.CommitAsync(session, Problems.Unprocessable("Insufficient funds.", refused.Message), cancellationToken);
        }
        catch (AmountTooSmall refused)
        {
            return Problems.Validation(new Dictionary<string, string> { ["amount"] = refused.Message });
        }

        account.AppendOne(withdrawn);
        return await idempotencyKey.CommitAsync(
            session, TypedResults.Ok(new WithdrawalResponse(accountId, withdrawn.Balance, account.CurrentVersion.GetValueOrDefault())), cancellationToken);
    }
}
