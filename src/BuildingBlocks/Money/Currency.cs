namespace Bank.BuildingBlocks.Money;

/// <summary>The currencies the bank keeps accounts in.</summary>
public enum Currency
{
    EUR,
    CAD,
    USD,
}

public static class Currencies
{
    public static IReadOnlyList<Currency> All { get; } = Enum.GetValues<Currency>();

    public static string Names { get; } = string.Join(", ", All);

    /// <summary>What a request is told when its currency is missing or unknown.</summary>
    public static string Expected { get; } = $"Required; one of {Names}.";

    /// <summary>Parses a currency code, ignoring case and surrounding blanks.</summary>
    public static bool TryParse(string? code, out Currency currency)
    {
        currency = default;
        var trimmed = code?.Trim();
        return !string.IsNullOrEmpty(trimmed)
            && trimmed.All(char.IsAsciiLetter)
            && Enum.TryParse(trimmed, ignoreCase: true, out currency);
    }
}
