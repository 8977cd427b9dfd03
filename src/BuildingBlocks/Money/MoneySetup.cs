using Bank.BuildingBlocks.Settings;
using Microsoft.Extensions.Configuration;

namespace Bank.BuildingBlocks.Money;

public static class MoneySetup
{
    /// <summary>Binds <c>ExchangeRates:Rates</c>; an unknown currency, or a missing or non-positive rate, stops the host on start.</summary>
    public static IServiceCollection AddExchangeRates(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSettings<ExchangeRatesOptions, ExchangeRates>(configuration, ExchangeRates.FromOptions);
}
