using Bank.Accounts.Domain;

namespace Bank.Accounts.GetAccountDetails;

/// <summary>
/// Reads an account's details, and with <c>minVersion</c> waits until they show that version (read your own writes).
/// The account's other query models are written in the same transaction, so they have reached the version too.
/// </summary>
internal static class AccountDetailsAtVersion
{
    /// <summary>
    /// The account's details, or the problem to answer instead: <c>400</c> for a <c>minVersion</c> that is malformed
    /// or above the stream's version, <c>404</c> for no such account or one the caller may not see, <c>503</c> when the
    /// wait ran out first.
    /// </summary>
    public static async Task<(AccountDetails? Account, IResult? Problem)> LoadAsync(
        IQuerySession session, QueryModelWaits waits, Caller caller, Guid accountId, string? minVersion, CancellationToken cancellationToken)
    {
        // Whose account it is comes from the account's own snapshot, written with its events: a query model may not
        // know a new account yet, and must not tell another customer whether it exists, or its version.
        if (await session.LoadAsync<Account>(accountId, cancellationToken) is not { } owned || !await caller.MayActForAsync(owned.OwnerId))
        {
            return (null, Problems.NotFound("account", accountId));
        }

        if (minVersion is null)
        {
            return await session.LoadAsync<AccountDetails>(accountId, cancellationToken) is { } current
                ? (current, null)
                : (null, Problems.NotFound("account", accountId));
        }

        if (!QueryModelWaits.TryParseMinVersion(minVersion, out var wanted, out var error))
        {
            return (null, Problems.Validation(new Dictionary<string, string> { ["minVersion"] = error! }));
        }

        var stream = await session.Events.FetchStreamStateAsync(accountId, cancellationToken);
        if (stream is null || stream.AggregateType != typeof(Account))
        {
            return (null, Problems.NotFound("account", accountId));
        }

        return await waits.LoadAtVersionAsync<AccountDetails>(session, "account", accountId, wanted, stream.Version, cancellationToken);
    }
}
