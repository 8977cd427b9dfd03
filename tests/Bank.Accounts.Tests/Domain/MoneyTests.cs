using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Xunit;

namespace Bank.Accounts.Tests.Domain;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.01")]
    [InlineData("1")]
    [InlineData("10.50")]
    [InlineData("10.500")]
    [InlineData("1000000000")]
    public void Valid_amounts_make_money(string amount)
    {
        Assert.True(Money.TryCreate(Parse(amount), "EUR", out var money, out var errors));
        Assert.Equal((Parse(amount), Currency.EUR), (money.Amount, money.Currency));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("0", "greater than 0")]
    [InlineData("-0.01", "greater than 0")]
    [InlineData("0.001", "2 decimal places")]
    [InlineData("12.345", "2 decimal places")]
    [InlineData("1000000000.01", "at most")]
    public void Invalid_amounts_say_why(string amount, string reason)
    {
        Assert.False(Money.TryCreate(Parse(amount), "EUR", out var money, out var errors));
        Assert.Null(money);
        Assert.Contains(reason, errors["amount"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_amount_is_required()
    {
        Assert.False(Money.TryCreate(null, "EUR", out _, out var errors));
        Assert.Equal("Required.", errors["amount"]);
    }

    [Theory]
    [InlineData("EUR", Currency.EUR)]
    [InlineData("usd", Currency.USD)]
    [InlineData("Cad", Currency.CAD)]
    public void Known_currencies_in_any_case_are_valid(string currency, Currency expected)
    {
        Assert.True(Money.TryCreate(1m, currency, out var money, out _));
        Assert.Equal(expected, money.Currency);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GBP")]
    [InlineData("1")]
    [InlineData("EURO")]
    [InlineData(" EUR")]
    [InlineData("EUR ")]
    public void Unknown_blank_padded_or_missing_currencies_list_the_known_ones(string? currency)
    {
        Assert.False(Money.TryCreate(1m, currency, out _, out var errors));
        Assert.Contains("EUR, CAD, USD", errors["currency"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        Assert.False(Money.TryCreate(0m, "GBP", out _, out var errors));
        Assert.Equal(["amount", "currency"], errors.Keys.Order());
    }

    private static decimal Parse(string amount) => decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
}
