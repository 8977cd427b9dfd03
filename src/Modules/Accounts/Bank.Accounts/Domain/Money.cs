using Bank.BuildingBlocks.Money;

namespace Bank.Accounts.Domain;

/// <summary>
/// An amount to deposit or withdraw: greater than zero, whole cents, at most
/// <see cref="MaxAmount"/> per operation, in a known currency.
/// </summary>
internal sealed record Money(decimal Amount, Currency Currency)
{
    public const decimal MaxAmount = 1_000_000_000m;

    public static string? AmountError(decimal? amount) => amount switch
    {
        null => "Required.",
        <= 0 => "Must be greater than 0.",
        > MaxAmount => $"Must be at most {MaxAmount:N0}.",
        { } value when value != Math.Round(value, 2) => "Must have at most 2 decimal places.",
        _ => null,
    };

    public static string? CurrencyError(string? currency) =>
        Currencies.TryParse(currency, out _) ? null : $"Required; one of {Currencies.Names}.";
}
