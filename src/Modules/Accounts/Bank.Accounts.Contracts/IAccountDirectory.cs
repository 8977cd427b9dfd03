namespace Bank.Accounts.Contracts;

/// <summary>What other modules may ask the Accounts module directly.</summary>
public interface IAccountDirectory
{
    /// <summary>The account's owner and the version of its latest event, as committed; null when there is no such account.</summary>
    Task<AccountOnRecord?> FindAsync(Guid accountId, CancellationToken cancellationToken);
}
