using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bank.BuildingBlocks.Money;

public static class MoneySetup
{
    /// <summary>Binds <c>ExchangeRates:Rates</c> and refuses to start when a currency lacks a positive rate.</summary>
    public static IServiceCollection AddExchangeRates(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExchangeRatesOptions>()
            .Bind(configuration.GetSection(ExchangeRatesOptions.SectionName))
            .Validate(
                options => options.Rates.Count > 0 && TryBuild(options),
                $"{ExchangeRatesOptions.SectionName}:Rates needs a positive rate for each of {Currencies.Names}.")
            .ValidateOnStart();
        services.AddSingleton(provider => ExchangeRates.FromOptions(provider.GetRequiredService<IOptions<ExchangeRatesOptions>>().Value));
        return services;
    }

    private static bool TryBuild(ExchangeRatesOptions options)
    {
        try
        {
            ExchangeRates.FromOptions(options);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
