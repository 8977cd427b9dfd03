using Marten.Schema;

namespace Bank.Accounts.GetAccountStatement;

/// <summary>
/// Query model: one money movement of an account, a row per event, keyed by the account and the event's version in
/// its stream (<see cref="Version"/>), so that a statement cannot hold a version twice. <see cref="Amount"/> is in the
/// account's currency and never negative (<see cref="Type"/> says which way the money went); <see cref="Balance"/> is
/// the balance after it, and <see cref="Reference"/> the payer's text, if any.
/// </summary>
internal sealed record StatementLine(
    Guid Id,
    Guid AccountId,
    string Type,
    DateTimeOffset OccurredAt,
    decimal Amount,
    string Currency,
    decimal OriginalAmount,
    string OriginalCurrency,
    decimal ExchangeRate,
    decimal Balance,
    Guid? TransferId,
    Guid? CounterpartyAccountId,
    string? Reference) : IVersionedView
{
    public const string Deposit = "deposit";
    public const string Withdrawal = "withdrawal";
    public const string TransferIn = "transferIn";
    public const string TransferOut = "transferOut";

    [Version]
    public long Version { get; init; }
}
