using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bank.BuildingBlocks.Money;

public static class MoneySetup
{
    /// <summary>Binds <c>ExchangeRates:Rates</c> and refuses to start on an unknown currency or a missing or non-positive rate.</summary>
    public static IServiceCollection AddExchangeRates(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExchangeRatesOptions>()
            .Bind(configuration.GetSection(ExchangeRatesOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExchangeRatesOptions>, RatesValidation>();
        services.AddSingleton(provider => ExchangeRates.FromOptions(provider.GetRequiredService<IOptions<ExchangeRatesOptions>>().Value));
        return services;
    }

    private sealed class RatesValidation : IValidateOptions<ExchangeRatesOptions>
    {
        public ValidateOptionsResult Validate(string? name, ExchangeRatesOptions options)
        {
            try
            {
                ExchangeRates.FromOptions(options);
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
