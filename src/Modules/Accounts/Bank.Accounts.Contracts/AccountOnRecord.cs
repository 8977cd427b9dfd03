namespace Bank.Accounts.Contracts;

/// <summary>An account as the Accounts module holds it: whose it is, and its stream's version (what a command answered).</summary>
public sealed record AccountOnRecord(Guid AccountId, Guid OwnerId, long Version);
