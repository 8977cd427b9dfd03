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
