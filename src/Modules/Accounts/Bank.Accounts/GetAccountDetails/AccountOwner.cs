using Marten.Schema;

namespace Bank.Accounts.GetAccountDetails;

/// <summary>
/// Query model: the Accounts module's own copy of what it shows of a customer, from the customer's
/// stream. Joined to <see cref="AccountDetails"/> when read, so the two converge in whatever order
/// their events arrive.
/// </summary>
internal sealed record AccountOwner(Guid Id, string FirstName, string LastName, string Email) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
