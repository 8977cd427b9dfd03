using Bank.BuildingBlocks.QueryModels;
using Marten.Schema;

namespace Bank.Accounts.AccountDetails;

/// <summary>Query model: an account's owner, currency and balance, from the account's stream.</summary>
internal sealed record AccountView(Guid Id, Guid OwnerId, string Currency, decimal Balance) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
