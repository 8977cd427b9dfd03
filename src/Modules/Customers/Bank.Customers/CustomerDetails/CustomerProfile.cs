using Bank.BuildingBlocks.QueryModels;
using Marten.Schema;

namespace Bank.Customers.CustomerDetails;

/// <summary>Query model: who a customer is, from the customer's stream.</summary>
internal sealed record CustomerProfile(Guid Id, string FirstName, string LastName, string Email, DateTimeOffset CreatedAt) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
