using System.Globalization;
using Bank.BuildingBlocks.Money;
using Xunit;

namespace Bank.BuildingBlocks.Tests.Money;

public sealed class ExchangeRatesTests
{
    private static readonly ExchangeRates Rates = ExchangeRates.FromOptions(new ExchangeRatesOptions
    {
        Rates = new() { ["EUR"] = "1", ["usd"] = "1.08", ["CAD"] = "1.47" },
    });

    [Fact]
    public void The_same_currency_converts_at_exactly_one() => Assert.Equal(1m, Rates.RateOf(Currency.CAD, Currency.CAD));

    [Fact]
    public void Rates_are_relative_to_the_common_reference_and_used_at_full_precision()
    {
        Assert.Equal(1.08m, Rates.RateOf(Currency.EUR, Currency.USD));
        Assert.Equal(1m / 1.08m, Rates.RateOf(Currency.USD, Currency.EUR));
        Assert.Equal(1.47m / 1.08m, Rates.RateOf(Currency.USD, Currency.CAD));
    }

    [Fact]
    public void A_large_amount_converts_at_the_configured_rate_not_a_rounded_one() =>
        Assert.Equal(680_272_108.84m, Rates.Credit(1_000_000_000m, Currency.CAD, Currency.EUR));

    [Theory]
    [InlineData("100", "USD", "EUR", "92.59", "92.60")]
    [InlineData("0.01", "USD", "EUR", "0.00", "0.01")]
    [InlineData("0.01", "EUR", "CAD", "0.01", "0.02")]
    [InlineData("10", "EUR", "CAD", "14.70", "14.70")]
    [InlineData("10.80", "USD", "CAD", "14.70", "14.70")]
    public void Money_received_is_rounded_down_and_money_paid_up_to_the_cent(string amount, string from, string to, string credit, string debit)
    {
        var (a, f, t) = (decimal.Parse(amount, CultureInfo.InvariantCulture), Enum.Parse<Currency>(from), Enum.Parse<Currency>(to));

        Assert.Equal(decimal.Parse(credit, CultureInfo.InvariantCulture), Rates.Credit(a, f, t));
        Assert.Equal(decimal.Parse(debit, CultureInfo.InvariantCulture), Rates.Debit(a, f, t));
    }

    [Fact]
    public void A_missing_currency_is_a_configuration_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ExchangeRates.FromOptions(new ExchangeRatesOptions { Rates = new() { ["EUR"] = "1", ["USD"] = "1.1" } }));

        Assert.Contains("CAD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_currency_is_a_configuration_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ExchangeRates.FromOptions(new ExchangeRatesOptions { Rates = new() { ["EUR"] = "1", ["USD"] = "1", ["CAD"] = "1", ["GBP"] = "0.85" } }));

        Assert.Equal("ExchangeRates:Rates:GBP='0.85': 'GBP' is not a currency of the bank (EUR, CAD, USD).", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void A_rate_that_is_not_a_positive_number_is_a_configuration_error_naming_it(string rate)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ExchangeRates.FromOptions(new ExchangeRatesOptions { Rates = new() { ["EUR"] = "1", ["USD"] = rate, ["CAD"] = "1" } }));

        Assert.StartsWith($"ExchangeRates:Rates:USD='{rate}': must be a positive number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eur", Currency.EUR)]
    [InlineData("USD", Currency.USD)]
    [InlineData("Cad", Currency.CAD)]
    public void Currency_codes_parse_in_any_case(string code, Currency expected)
    {
        Assert.True(Currencies.TryParse(code, out var currency));
        Assert.Equal(expected, currency);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("GBP")]
    [InlineData("")]
    [InlineData(" EUR")]
    [InlineData("EUR ")]
    [InlineData(null)]
    public void Numbers_unknown_codes_and_blanks_are_not_currencies(string? code) => Assert.False(Currencies.TryParse(code, out _));
}
