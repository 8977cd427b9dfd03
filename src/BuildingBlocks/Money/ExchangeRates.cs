using System.Globalization;

namespace Bank.BuildingBlocks.Money;

/// <summary>
/// Configured exchange rates: how many units of each currency one unit of a common
/// reference is worth. The rate from A to B is <c>rates[B] / rates[A]</c>.
/// </summary>
public sealed class ExchangeRatesOptions
{
    public const string SectionName = "ExchangeRates";

    /// <summary>Rates by currency code, as configured (text, so a value that is not a number can be named).</summary>
    public Dictionary<string, string> Rates { get; init; } = [];
}

public sealed class ExchangeRates
{
    /// <summary>Rates are rounded to this many decimals before use, so events record exactly what was applied.</summary>
    public const int RateDecimals = 6;

    private readonly Dictionary<Currency, decimal> _unitsPerReference;

    public ExchangeRates(IReadOnlyDictionary<Currency, decimal> unitsPerReference)
    {
        foreach (var currency in Currencies.All)
        {
            if (!unitsPerReference.TryGetValue(currency, out var rate) || rate <= 0)
            {
                throw new ArgumentException($"A positive exchange rate for {currency} is required.", nameof(unitsPerReference));
            }
        }

        _unitsPerReference = new Dictionary<Currency, decimal>(unitsPerReference);
    }

    /// <summary>The configured rates; an unknown currency, or a missing or non-positive rate, names the key and the value.</summary>
    public static ExchangeRates FromOptions(ExchangeRatesOptions options)
    {
        var rates = new Dictionary<Currency, decimal>();
        foreach (var (code, text) in options.Rates)
        {
            var setting = $"{ExchangeRatesOptions.SectionName}:Rates:{code}={text}";
            if (!Currencies.TryParse(code, out var currency))
            {
                throw new InvalidOperationException($"{setting}: '{code}' is not a currency of the bank ({Currencies.Names}).");
            }

            if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
            {
                throw new InvalidOperationException($"{setting}: a rate must be a positive number, such as 1.08.");
            }

            rates[currency] = rate;
        }

        if (Currencies.All.Where(c => !rates.ContainsKey(c)).ToList() is { Count: > 0 } missing)
        {
            throw new InvalidOperationException(
                $"{ExchangeRatesOptions.SectionName}:Rates has no rate for {string.Join(", ", missing)}: each of {Currencies.Names} needs one.");
        }

        return new ExchangeRates(rates);
    }

    /// <summary>The rate that converts an amount in <paramref name="from"/> into <paramref name="to"/>.</summary>
    public decimal RateOf(Currency from, Currency to) =>
        from == to ? 1m : Math.Round(_unitsPerReference[to] / _unitsPerReference[from], RateDecimals, MidpointRounding.ToEven);

    /// <summary>Converts to cents with banker's rounding.</summary>
    public decimal Convert(decimal amount, Currency from, Currency to) =>
        Math.Round(amount * RateOf(from, to), 2, MidpointRounding.ToEven);
}
