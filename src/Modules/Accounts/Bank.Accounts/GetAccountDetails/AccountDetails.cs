using Marten.Schema;

namespace Bank.Accounts.GetAccountDetails;

/// <summary>Query model: an account's owner, currency and balance, from the account's stream.</summary>
[DocumentAlias("accountview")] // The table's name from before the model was renamed, so stored documents stay where they are.
internal sealed record AccountDetails(Guid Id, Guid OwnerId, string Currency, decimal Balance) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
