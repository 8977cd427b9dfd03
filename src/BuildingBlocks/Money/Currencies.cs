namespace Bank.BuildingBlocks.Money;

public static class Currencies
{
    public static IReadOnlyList<Currency> All { get; } = Enum.GetValues<Currency>();

    public static string Names { get; } = string.Join(", ", All);

    /// <summary>Parses a currency code in any case; blanks around it are refused, as any other character that is not a letter.</summary>
    public static bool TryParse(string? code, out Currency currency)
    {
        currency = default;
        return !string.IsNullOrEmpty(code)
            && code.All(char.IsAsciiLetter)
            && Enum.TryParse(code, ignoreCase: true, out currency);
    }

    /// <summary>What a request is told when its currency is missing or unknown.</summary>
    public static string Error(string? code) =>
        string.IsNullOrEmpty(code)
            ? $"Required; one of {Names}."
            : $"'{Truncate(code)}' is not a currency of the bank; one of {Names}, in any case, without blanks.";

    private static string Truncate(string value) => value.Length <= 16 ? value : string.Concat(value.AsSpan(0, 16), "…");
}
