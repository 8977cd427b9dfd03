using Bank.Accounts.Domain;
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
    public void Valid_amounts_have_no_error(string amount) =>
        Assert.Null(Money.AmountError(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("0", "greater than 0")]
    [InlineData("-0.01", "greater than 0")]
    [InlineData("0.001", "2 decimal places")]
    [InlineData("12.345", "2 decimal places")]
    [InlineData("1000000000.01", "at most")]
    public void Invalid_amounts_say_why(string amount, string reason) =>
        Assert.Contains(reason, Money.AmountError(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), StringComparison.Ordinal);

    [Fact]
    public void A_missing_amount_is_required() => Assert.Equal("Required.", Money.AmountError(null));

    [Theory]
    [InlineData("EUR")]
    [InlineData("usd")]
    [InlineData(" Cad ")]
    public void Known_currencies_in_any_case_are_valid(string currency) => Assert.Null(Money.CurrencyError(currency));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("GBP")]
    [InlineData("1")]
    [InlineData("EURO")]
    public void Unknown_or_missing_currencies_list_the_known_ones(string? currency) =>
        Assert.Contains("EUR, CAD, USD", Money.CurrencyError(currency), StringComparison.Ordinal);
}
