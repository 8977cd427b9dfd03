using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;

namespace Bank.Accounts.Streams;

/// <summary>
/// The path of a command that moves money on one of the caller's accounts (a deposit, a withdrawal): the account id and
/// the money checked, then, on the command path, the account locked, the event its decision returns appended, and the
/// balance after it answered. A use case gives only its decision.
/// </summary>
internal static class MoneyMovementCommand
{
    public static async Task<IResult> RunAsync<TMoved>(
        this MoneyMovement movement, Func<Account, Money, string?, TMoved> decide, CancellationToken cancellationToken)
        where TMoved : IMoneyMovement
    {
        if (!Guid.TryParse(movement.Id, out var accountId))
        {
            return Problems.InvalidId("id", movement.Id);
        }

        var errors = new ValidationErrors();
        var request = movement.Request;
        if (Payment.Parse(request.Amount, request.Currency, request.Reference, errors) is not { } payment)
        {
            return Problems.Validation(errors);
        }

        return await movement.Commands.RunAsync(movement.IdempotencyKey, request, async (session, cancellation) =>
        {
            if (await session.LockOwnedAsync(movement.Caller, accountId, cancellation) is not { } account)
            {
                return Problems.NotFound("account", accountId);
            }

            var moved = decide(account.Aggregate!, payment.Money, payment.Reference);
            account.AppendOne(moved);
            return TypedResults.Ok(new BalanceAfterMovement(moved.AccountId, moved.Balance, account.CurrentVersion.GetValueOrDefault()));
        }, cancellationToken);
    }
}
