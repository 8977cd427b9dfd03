namespace Bank.BuildingBlocks.Money;

/// <summary>
/// Converts at the configured mid rates, at full precision. Money that moves is rounded to the cent in the bank's
/// favour, never the customer's: what an account pays (<see cref="Debit"/>) is rounded up, what it receives
/// (<see cref="Credit"/>) is rounded down, so no sequence of conversions can create money.
/// </summary>
public sealed class ExchangeRates
{
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

    /// <summary>The configured rates; throws, naming every bad one, when <see cref="ExchangeRatesOptions.Problems"/> finds any.</summary>
    public static ExchangeRates FromOptions(ExchangeRatesOptions options)
    {
        if (options.Problems().ToList() is { Count: > 0 } problems)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        return new ExchangeRates(options.Rates.ToDictionary(
            rate => Currencies.TryParse(rate.Key, out var currency) ? currency : default,
            rate => ExchangeRatesOptions.TryParseRate(rate.Value, out var value) ? value : default));
    }

    /// <summary>The mid rate that converts an amount in <paramref name="from"/> into <paramref name="to"/>, unrounded.</summary>
    public decimal RateOf(Currency from, Currency to) => from == to ? 1m : _unitsPerReference[to] / _unitsPerReference[from];

    /// <summary>What <paramref name="amount"/> in <paramref name="from"/> is worth in <paramref name="to"/> at the mid rate, unrounded.</summary>
    public decimal ValueIn(decimal amount, Currency from, Currency to) =>
        // Multiplied before dividing: an exact result (10.80 USD is 14.70 CAD) stays exact.
        from == to ? amount : amount * _unitsPerReference[to] / _unitsPerReference[from];

    /// <summary>What an account in <paramref name="to"/> pays for <paramref name="amount"/> in <paramref name="from"/>: rounded up to the cent.</summary>
    public decimal Debit(decimal amount, Currency from, Currency to) =>
        MoneyAmount.InCents(Math.Round(ValueIn(amount, from, to), MoneyAmount.Decimals, MidpointRounding.ToPositiveInfinity));

    /// <summary>What an account in <paramref name="to"/> receives for <paramref name="amount"/> in <paramref name="from"/>: rounded down to the cent.</summary>
    public decimal Credit(decimal amount, Currency from, Currency to) =>
        MoneyAmount.InCents(Math.Round(ValueIn(amount, from, to), MoneyAmount.Decimals, MidpointRounding.ToNegativeInfinity));
}
