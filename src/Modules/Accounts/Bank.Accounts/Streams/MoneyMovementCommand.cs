using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;

namespace Bank.Accounts.Streams;

/// <summary>
/// The path of a command that moves money on one of the caller's accounts (a deposit, a withdrawal): the account id and
/// the money checked, then, on the command path, the account locked, the event its decision returns appended, and the
/// answer made from it. A use case gives only its binding, its decision and its answer.
/// </summary>
internal static class MoneyMovementCommand
{
    public static async Task<IResult> MoveMoneyAsync<TMoved>(
        this CommandPath commands,
        MoneyMovement movement,
        Func<Account, Money, string?, TMoved> decide,
        Func<TMoved, long, IResult> answer,
        CancellationToken cancellationToken)
        where TMoved : IMoneyMovement
    {
        if (!Guid.TryParse(movement.AccountId, out var accountId))
        {
            return Problems.InvalidId("id", movement.AccountId);
        }

        var errors = new ValidationErrors();
        if (Payment.Parse(movement.Amount, movement.Currency, movement.Reference, errors) is not { } payment)
        {
            return Problems.Validation(errors);
        }

        return await commands.RunAsync(movement.IdempotencyKey, movement.Request, async (session, cancellation) =>
        {
            if (await session.LockOwnedAsync(movement.Caller, accountId, cancellation) is not { } account)
            {
                return Problems.NotFound("account", accountId);
            }

            var moved = decide(account.Aggregate!, payment.Money, payment.Reference);
            account.AppendOne(moved);
            return answer(moved, account.CurrentVersion.GetValueOrDefault());
        }, cancellationToken);
    }
}
