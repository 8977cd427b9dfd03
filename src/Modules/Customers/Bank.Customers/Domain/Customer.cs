using Bank.Customers.Contracts;

namespace Bank.Customers.Domain;

/// <summary>A customer of the bank. Kept as an inline snapshot so that its existence is one lookup.</summary>
internal sealed record Customer(Guid Id, string FirstName, string LastName, string Email)
{
    public static CustomerCreated Register(Guid id, PersonName firstName, PersonName lastName, EmailAddress email) =>
        new(id, firstName.Value, lastName.Value, email.Value);

    public static Customer Create(CustomerCreated created) =>
        new(created.CustomerId, created.FirstName, created.LastName, created.Email);
}
