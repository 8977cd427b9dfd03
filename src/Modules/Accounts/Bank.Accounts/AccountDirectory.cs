using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;

namespace Bank.Accounts;

internal sealed class AccountDirectory(IQuerySession session) : IAccountDirectory
{
    public async Task<AccountOnRecord?> FindAsync(Guid accountId, CancellationToken cancellationToken) =>
        await session.LoadAsync<Account>(accountId, cancellationToken) is { } account
        && await session.Events.FetchStreamStateAsync(accountId, cancellationToken) is { } stream
            ? new AccountOnRecord(accountId, account.OwnerId, stream.Version)
            : null;
}
