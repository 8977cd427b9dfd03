using System.Globalization;

namespace Bank.BuildingBlocks.Money;

/// <summary>The rules of an amount a command moves: greater than zero, whole cents, at most <see cref="Max"/>.</summary>
public static class MoneyAmount
{
    public const decimal Max = 1_000_000_000m;

    public const int Decimals = 2;

    public static string TooLarge { get; } = string.Create(CultureInfo.InvariantCulture, $"Must be at most {Max:N0}.");

    public static string TooPrecise { get; } = $"Must have at most {Decimals} decimal places.";

    public static string NotPositive { get; } = "Must be greater than 0.";

    /// <summary>The amount written with exactly two decimals (5 as 5.00), as money is everywhere it is shown or stored.</summary>
    public static decimal InCents(decimal amount) => decimal.Round(amount, Decimals) + 0.00m;

    /// <summary>Why <paramref name="amount"/> is not an amount to move, or null when it is.</summary>
    public static string? Error(decimal? amount) => amount switch
    {
        null => "Required.",
        <= 0 => NotPositive,
        > Max => TooLarge,
        { } value when value != Math.Round(value, Decimals) => TooPrecise,
        _ => null,
    };
}
