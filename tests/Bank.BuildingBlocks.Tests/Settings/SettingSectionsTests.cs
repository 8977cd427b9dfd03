using Bank.BuildingBlocks.Money;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Bank.BuildingBlocks.Tests.Settings;

public sealed class SettingSectionsTests
{
    [Fact]
    public void A_service_made_from_a_section_gets_the_values_bound()
    {
        using var services = ServicesWith(("ExchangeRates:Rates:EUR", "1"), ("ExchangeRates:Rates:USD", "1.25"), ("ExchangeRates:Rates:CAD", "1.5"));

        var rates = services.GetRequiredService<ExchangeRates>();

        Assert.Equal(1.25m, rates.RateOf(Currency.EUR, Currency.USD));
        Assert.Same(rates, services.GetRequiredService<ExchangeRates>());
    }

    [Fact]
    public void A_service_made_from_a_bad_section_is_not_made_and_the_bad_value_is_named()
    {
        using var services = ServicesWith(("ExchangeRates:Rates:EUR", "1"), ("ExchangeRates:Rates:USD", "-2"), ("ExchangeRates:Rates:CAD", "1.5"));

        var refused = Assert.Throws<OptionsValidationException>(services.GetRequiredService<ExchangeRates>);

        Assert.Equal("ExchangeRates:Rates:USD='-2': must be a positive number, such as 1.08.", Assert.Single(refused.Failures));
    }

    private static ServiceProvider ServicesWith(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        return new ServiceCollection().AddExchangeRates(configuration).BuildServiceProvider();
    }
}
