using Marten.Schema;

namespace Bank.Customers.GetCustomerDetails;

/// <summary>Query model: who a customer is, from the customer's stream; their accounts are <see cref="CustomerAccount"/>s.</summary>
[DocumentAlias("customerprofile")] // The table's name from before the model was renamed, so stored documents stay where they are.
internal sealed record CustomerDetails(Guid Id, string FirstName, string LastName, string Email, DateTimeOffset CreatedAt) : IVersionedView
{
    [Version]
    public long Version { get; init; }
}
