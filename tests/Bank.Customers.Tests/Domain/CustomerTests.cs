using Bank.Customers.Contracts;
using Bank.Customers.Domain;
using Xunit;

namespace Bank.Customers.Tests.Domain;

public sealed class CustomerTests
{
    private static readonly Guid CustomerId = Guid.Parse("2f1d7c44-9a0b-4e6e-8f3a-5b7d9c1e2a33");

    [Fact]
    public void Registering_a_customer_records_trimmed_names_and_email()
    {
        PersonName.TryCreate("  Ada ", out var first, out _);
        PersonName.TryCreate("Lovelace", out var last, out _);
        EmailAddress.TryCreate(" Ada@Example.com ", out var email, out _);

        var created = Customer.Register(CustomerId, first!, last!, email!);

        Assert.Equal(new CustomerCreated(CustomerId, "Ada", "Lovelace", "Ada@Example.com"), created);
        Assert.Equal(new Customer(CustomerId, "Ada", "Lovelace", "Ada@Example.com"), Customer.Create(created));
    }

    [Theory]
    [InlineData(null, "Required")]
    [InlineData("", "Required")]
    [InlineData("   ", "Required")]
    [InlineData("Ada\u0000", "control characters")]
    public void Blank_names_are_refused(string? name, string reason)
    {
        Assert.False(PersonName.TryCreate(name, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_at_most_100_characters_after_trimming()
    {
        Assert.True(PersonName.TryCreate(" " + new string('a', 100) + " ", out _, out _));
        Assert.False(PersonName.TryCreate(new string('a', 101), out _, out var error));
        Assert.Contains("100", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("ada.lovelace+bank@mail.example.co.uk")]
    [InlineData("  ada@example.com  ")]
    public void Plain_addresses_are_valid(string input) => Assert.True(EmailAddress.TryCreate(input, out _, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ada")]
    [InlineData("ada@")]
    [InlineData("@example.com")]
    [InlineData("ada@localhost")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@example.com.")]
    public void Other_addresses_are_refused(string? input) => Assert.False(EmailAddress.TryCreate(input, out _, out _));

    [Fact]
    public void Addresses_are_at_most_254_characters()
    {
        var local = new string('a', 64);
        var host = string.Join('.', Enumerable.Repeat(new string('b', 55), 3)) + ".example.com";
        var address = local + "@" + host;
        Assert.True(address.Length <= 254);
        Assert.True(EmailAddress.TryCreate(address, out _, out _));
        Assert.False(EmailAddress.TryCreate(new string('a', 243) + "@example.com", out _, out var error));
        Assert.Contains("254", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_that_differ_only_in_case_are_the_same_for_uniqueness()
    {
        EmailAddress.TryCreate("Ada@Example.COM", out var upper, out _);
        EmailAddress.TryCreate("ada@example.com", out var lower, out _);

        Assert.Equal(upper!.Normalized, lower!.Normalized);
    }
}
