using Marten.Schema;

namespace Bank.Customers.GetCustomerDetails;

/// <summary>
/// Query model: one account of a customer, from the account's stream. Kept apart from the customer's
/// details so that each document follows exactly one stream: events of different streams and topics
/// may arrive in any order and the models still converge.
/// </summary>
internal sealed record CustomerAccount(Guid Id, Guid CustomerId, string Currency, decimal Balance) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
