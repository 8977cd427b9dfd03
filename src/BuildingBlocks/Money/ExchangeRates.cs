using System.Globalization;
using Bank.BuildingBlocks.Settings;

namespace Bank.BuildingBlocks.Money;

/// <summary>
/// Configured exchange rates: how many units of each currency one unit of a common
/// reference is worth. The rate from A to B is <c>rates[B] / rates[A]</c>.
/// </summary>
public sealed class ExchangeRatesOptions : ISettings<ExchangeRatesOptions>
{
    public static string SectionName => "ExchangeRates";

    /// <summary>Rates by currency code, as configured (text, so a value that is not a number can be named).</summary>
    public Dictionary<string, string> Rates { get; init; } = [];

    /// <summary>An unknown currency, a rate that is not a positive number, a currency without a rate: each named.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (code, text) in Rates)
        {
            if (!Currencies.TryParse(code, out _))
            {
                yield return SettingSections.Problem(SectionName, $"Rates:{code}", text, $"'{code}' is not a currency of the bank ({Currencies.Names}).");
            }
            else if (!TryParseRate(text, out _))
            {
                yield return SettingSections.Problem(SectionName, $"Rates:{code}", text, "must be a positive number, such as 1.08.");
            }
        }

        var configured = Rates.Keys.Select(code => Currencies.TryParse(code, out var currency) ? currency : (Currency?)null).ToHashSet();
        if (Currencies.All.Where(c => !configured.Contains(c)).ToList() is { Count: > 0 } missing)
        {
            yield return SettingSections.Problem(
                SectionName, "Rates", null, $"has no rate for {string.Join(", ", missing)}: each of {Currencies.Names} needs one.");
        }
    }

    internal static bool TryParseRate(string? text, out decimal rate) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out rate) && rate > 0;
}

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
