using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bank.Accounts;

/// <summary>The body of a deposit or a withdrawal.</summary>
internal sealed record MoneyMovementRequest(decimal? Amount, string? Currency);

/// <summary>The account after a deposit or a withdrawal.</summary>
internal sealed record AccountBalanceResponse(Guid AccountId, decimal Balance, long Version);

/// <summary>
/// The shared steps of deposits and withdrawals: validate the request, lock the account's
/// stream, let the account decide, append, commit. The row lock serialises commands on one
/// account, so each is decided against the latest balance and contention alone never fails one.
/// </summary>
internal static class MoneyMovement
{
    public static async Task<IResult> ExecuteAsync<TEvent>(
        string accountId,
        MoneyMovementRequest request,
        Func<Account, Money, TEvent> decide,
        Func<TEvent, decimal> balanceAfter,
        IDocumentSession session,
        CancellationToken cancellationToken)
        where TEvent : notnull
    {
        var errors = new ValidationErrors();
        if (Money.AmountError(request.Amount) is { } amountError)
        {
            errors.Add("amount", amountError);
        }

        if (Money.CurrencyError(request.Currency) is { } currencyError)
        {
            errors.Add("currency", currencyError);
        }

        if (!Guid.TryParse(accountId, out var id))
        {
            return Problems.InvalidId("id", accountId);
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors);
        }

        _ = Currencies.TryParse(request.Currency, out var currency);
        var money = new Money(request.Amount!.Value, currency);

        var stream = await session.Events.FetchForExclusiveWriting<Account>(id, cancellationToken);
        if (stream.Aggregate is null)
        {
            return AccountNotFound(id);
        }

        TEvent decided;
        try
        {
            decided = decide(stream.Aggregate, money);
        }
        catch (InsufficientFunds insufficient)
        {
            return Problems.Unprocessable("Insufficient funds.", insufficient.Message);
        }
        catch (AmountTooSmall tooSmall)
        {
            var tooSmallErrors = new ValidationErrors();
            tooSmallErrors.Add("amount", tooSmall.Message);
            return Problems.Validation(tooSmallErrors);
        }

        stream.AppendOne(decided);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new AccountBalanceResponse(id, balanceAfter(decided), stream.CurrentVersion.GetValueOrDefault()));
    }

    public static IResult AccountNotFound(Guid id) =>
        Problems.NotFound("Account not found.", $"There is no account with id {id}.");
}
