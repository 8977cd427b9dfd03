using Bank.Accounts.Domain;
using JasperFx.Events;

namespace Bank.Accounts.Streams;

/// <summary>How the account commands load the accounts they change.</summary>
internal static class AccountStreams
{
    /// <summary>
    /// The account's stream, locked for this transaction, when it exists and the caller may act for its owner; null
    /// otherwise (someone else's account is as missing as one that does not exist). The row lock serialises commands
    /// on one account: each is decided against the latest balance, and no two withdrawals spend the same money.
    /// </summary>
    public static async Task<IEventStream<Account>?> LockOwnedAsync(
        this IDocumentSession session, Caller caller, Guid accountId, CancellationToken cancellationToken)
    {
        var account = await session.Events.FetchForExclusiveWriting<Account>(accountId, cancellationToken);
        return account.Aggregate is not null && await caller.MayActForAsync(account.Aggregate.OwnerId) ? account : null;
    }

    /// <summary>
    /// Locks both accounts' streams in the order of their ids, whichever way the money goes: two transfers in
    /// opposite directions take the locks in the same order, so neither waits for the other forever.
    /// </summary>
    public static async Task<(IEventStream<Account> Source, IEventStream<Account> Destination)> LockBothAsync(
        this IDocumentSession session, Guid sourceId, Guid destinationId, CancellationToken cancellationToken)
    {
        var sourceFirst = sourceId.CompareTo(destinationId) < 0;
        var first = await session.Events.FetchForExclusiveWriting<Account>(sourceFirst ? sourceId : destinationId, cancellationToken);
        var second = await session.Events.FetchForExclusiveWriting<Account>(sourceFirst ? destinationId : sourceId, cancellationToken);
        return sourceFirst ? (first, second) : (second, first);
    }
}
