using System.Text.Json.Serialization;
using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Access;
using Bank.BuildingBlocks.Web.Idempotency;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bank.Accounts.Transfer;

internal static class TransferEndpoint
{
    internal sealed record TransferRequest(Guid? FromAccountId, Guid? ToAccountId, [property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency);

    internal sealed record TransferResponse(Guid TransferId, TransferSide From, TransferSide To);

    internal sealed record TransferSide(Guid AccountId, decimal Balance, long Version);

    public static void MapTransfer(this IEndpointRouteBuilder app) =>
        app.MapPost("/transfers", Handle)
            .WithName("Transfer")
            .RequireAuthorization(BankAccess.OperatorOrCustomer)
            .WithSummary(
                "Moves money from one of the caller's accounts (any account, for an operator) to another, of any owner, in one transaction: the source pays the amount in its " +
                "currency and the destination receives it in its own, each converted at the configured rates.")
            .Produces<TransferResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    internal static async Task<IResult> Handle(
        TransferRequest request,
        IdempotencyKey idempotencyKey,
        Caller caller,
        ExchangeRates rates,
        IDocumentSession session,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Required(request.FromAccountId, "fromAccountId", errors);
        Required(request.ToAccountId, "toAccountId", errors);
        if (request.FromAccountId is { } from && from == request.ToAccountId)
        {
            errors.Add("toAccountId", "Must be another account than fromAccountId.");
        }

        if (!Money.TryCreate(request.Amount, request.Currency, out var money, out var moneyErrors))
        {
            foreach (var (field, message) in moneyErrors)
            {
                errors.Add(field, message);
            }
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        if (await idempotencyKey.EarlierAnswerAsync(session, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var (source, destination) = await LockBothAsync(session, request.FromAccountId!.Value, request.ToAccountId!.Value, cancellationToken);
        // Someone else's source account is as missing as one that does not exist.
        var sourceMissing = source.Aggregate is null || !await caller.MayActForAsync(source.Aggregate.OwnerId);
        if ((sourceMissing ? source : destination.Aggregate is null ? destination : null) is { } missing)
        {
            return await idempotencyKey.CommitAsync(session, Problems.NotFound("account", missing.Id), cancellationToken);
        }

        MoneyTransferredOut paid;
        MoneyTransferredIn received;
        try
        {
            (paid, received) = source.Aggregate!.TransferTo(destination.Aggregate!, Guid.CreateVersion7(), money!, rates);
        }
        catch (InsufficientFunds refused)
        {
            return await idempotencyKey.CommitAsync(session, Problems.Unprocessable("Insufficient funds.", refused.Message), cancellationToken);
        }
        catch (AmountTooSmall refused)
        {
            return Problems.Validation(new Dictionary<string, string> { ["amount"] = refused.Message });
        }

        source.AppendOne(paid);
        destination.AppendOne(received);
        return await idempotencyKey.CommitAsync(
            session,
            TypedResults.Ok(new TransferResponse(
                paid.TransferId,
                new TransferSide(source.Id, paid.Balance, source.CurrentVersion.GetValueOrDefault()),
                new TransferSide(destination.Id, received.Balance, destination.CurrentVersion.GetValueOrDefault()))),
            cancellationToken);
    }

    /// <summary>
    /// Locks both accounts' streams in the order of their ids, whichever way the money goes: two transfers in
    /// opposite directions take the locks in the same order, so neither waits for the other forever.
    /// </summary>
    private static async Task<(IEventStream<Account> Source, IEventStream<Account> Destination)> LockBothAsync(
        IDocumentSession session, Guid sourceId, Guid destinationId, CancellationToken cancellationToken)
    {
        var sourceFirst = sourceId.CompareTo(destinationId) < 0;
        var first = await session.Events.FetchForExclusiveWriting<Account>(sourceFirst ? sourceId : destinationId, cancellationToken);
        var second = await session.Events.FetchForExclusiveWriting<Account>(sourceFirst ? destinationId : sourceId, cancellationToken);
        return sourceFirst ? (first, second) : (second, first);
    }

    private static void Required(Guid? id, string field, ValidationErrors errors)
    {
        if (id is null || id == Guid.Empty)
        {
            errors.Add(field, "Required; the id of an existing account.");
        }
    }
}
