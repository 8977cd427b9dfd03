namespace Bank.Customers.Contracts;

/// <summary>A customer became known to the bank. The email is stored as entered (trimmed).</summary>
public sealed record CustomerCreated(Guid CustomerId, string FirstName, string LastName, string Email);

/// <summary>The stable names of the Customers module's events. Never change a name once events carry it.</summary>
public static class CustomerEvents
{
    /// <summary>The aggregate type; its events are broadcast on the topic <c>events_Customer</c>.</summary>
    public const string AggregateType = "Customer";

    public static IReadOnlyDictionary<Type, string> TypeNames { get; } = new Dictionary<Type, string>
    {
        [typeof(CustomerCreated)] = "CustomerCreated",
    };
}
