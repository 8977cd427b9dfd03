using System.Text.Json.Serialization;
using Bank.Accounts.Streams;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Transfer;

internal static class TransferEndpoint
{
    internal sealed record TransferRequest(Guid? FromAccountId, Guid? ToAccountId, [property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency, string? Reference);

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
            .ProducesCommandProblems(refusable: true);

    internal static async Task<IResult> Handle(
        TransferRequest request,
        IdempotencyKey idempotencyKey,
        Caller caller,
        ExchangeRates rates,
        CommandPath commands,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        Required(request.FromAccountId, "fromAccountId", errors);
        Required(request.ToAccountId, "toAccountId", errors);
        if (request.FromAccountId is { } from && from == request.ToAccountId)
        {
            errors.Add("toAccountId", "Must be another account than fromAccountId.");
        }

        var payment = Payment.Parse(request.Amount, request.Currency, request.Reference, errors);
        if (payment is null || !errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        return await commands.RunAsync(idempotencyKey, request, async (session, cancellation) =>
        {
            var (source, destination) = await session.LockBothAsync(request.FromAccountId!.Value, request.ToAccountId!.Value, cancellation);
            // Someone else's source account is as missing as one that does not exist.
            var sourceMissing = source.Aggregate is null || !await caller.MayActForAsync(source.Aggregate.OwnerId);
            if ((sourceMissing ? source : destination.Aggregate is null ? destination : null) is { } missing)
            {
                return Problems.NotFound("account", missing.Id);
            }

            var (paid, received) = source.Aggregate!.TransferTo(destination.Aggregate!, Guid.CreateVersion7(), payment.Money, rates, payment.Reference);
            source.AppendOne(paid);
            destination.AppendOne(received);
            return TypedResults.Ok(new TransferResponse(
                paid.TransferId,
                new TransferSide(source.Id, paid.Balance, source.CurrentVersion.GetValueOrDefault()),
                new TransferSide(destination.Id, received.Balance, destination.CurrentVersion.GetValueOrDefault())));
        }, cancellationToken);
    }

    private static void Required(Guid? id, string field, ValidationErrors errors)
    {
        if (id is null || id == Guid.Empty)
        {
            errors.Add(field, "Required; the id of an existing account.");
        }
    }
}
