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
    public void Rates_are_relative_to_the_common_reference_and_rounded_to_six_decimals()
    {
        Assert.Equal(1.08m, Rates.RateOf(Currency.EUR, Currency.USD));
        Assert.Equal(0.925926m, Rates.RateOf(Currency.USD, Currency.EUR));
        Assert.Equal(1.361111m, Rates.RateOf(Currency.USD, Currency.CAD));
    }

    [Fact]
    public void Converted_amounts_are_rounded_to_cents() => Assert.Equal(92.59m, Rates.Convert(100m, Currency.USD, Currency.EUR));

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

        Assert.Equal("ExchangeRates:Rates:GBP=0.85: 'GBP' is not a currency of the bank (EUR, CAD, USD).", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void A_rate_that_is_not_a_positive_number_is_a_configuration_error_naming_it(string rate)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ExchangeRates.FromOptions(new ExchangeRatesOptions { Rates = new() { ["EUR"] = "1", ["USD"] = rate, ["CAD"] = "1" } }));

        Assert.StartsWith($"ExchangeRates:Rates:USD={rate}: a rate must be a positive number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eur", Currency.EUR)]
    [InlineData(" USD ", Currency.USD)]
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
    [InlineData(null)]
    public void Numbers_and_unknown_codes_are_not_currencies(string? code) => Assert.False(Currencies.TryParse(code, out _));
}
