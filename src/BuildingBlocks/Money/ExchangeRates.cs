namespace Bank.BuildingBlocks.Money;

/// <summary>
/// Configured exchange rates: how many units of each currency one unit of a common
/// reference is worth. The rate from A to B is <c>rates[B] / rates[A]</c>.
/// </summary>
public sealed class ExchangeRatesOptions
{
    public const string SectionName = "ExchangeRates";

    public Dictionary<string, decimal> Rates { get; init; } = [];
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

    public static ExchangeRates FromOptions(ExchangeRatesOptions options)
    {
        var rates = new Dictionary<Currency, decimal>();
        foreach (var (code, rate) in options.Rates)
        {
            if (!Currencies.TryParse(code, out var currency))
            {
                throw new InvalidOperationException(
                    $"ExchangeRates:Rates has an unknown currency '{code}'. Known: {Currencies.Names}.");
            }

            rates[currency] = rate;
        }

        try
        {
            return new ExchangeRates(rates);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"ExchangeRates:Rates is incomplete: {e.Message}", e);
        }
    }

    /// <summary>The rate that converts an amount in <paramref name="from"/> into <paramref name="to"/>.</summary>
    public decimal RateOf(Currency from, Currency to) =>
        from == to ? 1m : Math.Round(_unitsPerReference[to] / _unitsPerReference[from], RateDecimals, MidpointRounding.ToEven);

    /// <summary>Converts to cents with banker's rounding.</summary>
    public decimal Convert(decimal amount, Currency from, Currency to) =>
        Math.Round(amount * RateOf(from, to), 2, MidpointRounding.ToEven);
}
