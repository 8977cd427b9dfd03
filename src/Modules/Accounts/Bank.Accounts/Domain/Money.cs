using System.Diagnostics.CodeAnalysis;
using Bank.BuildingBlocks.Money;

namespace Bank.Accounts.Domain;

/// <summary>
/// An amount to deposit or withdraw: greater than zero, whole cents, at most <see cref="MaxAmount"/>
/// per operation, in a known currency.
/// </summary>
internal sealed record Money
{
    public const decimal MaxAmount = 1_000_000_000m;

    private Money(decimal amount, Currency currency)
    {
        Amount = amount;
        Currency = currency;
    }

    public decimal Amount { get; }

    public Currency Currency { get; }

    /// <summary>Either money, or every reason it is not, by field (<c>amount</c>, <c>currency</c>), so that a request learns all at once.</summary>
    public static bool TryCreate(
        decimal? amount, string? currency, [NotNullWhen(true)] out Money? money, out IReadOnlyDictionary<string, string> errors)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (AmountError(amount) is { } amountError)
        {
            found["amount"] = amountError;
        }

        if (!Currencies.TryParse(currency, out var parsed))
        {
            found["currency"] = Currencies.Expected;
        }

        errors = found;
        money = found.Count == 0 ? new Money(amount!.Value, parsed) : null;
        return money is not null;
    }

    private static string? AmountError(decimal? amount) => amount switch
    {
        null => "Required.",
        <= 0 => "Must be greater than 0.",
        > MaxAmount => $"Must be at most {MaxAmount:N0}.",
        { } value when value != Math.Round(value, 2) => "Must have at most 2 decimal places.",
        _ => null,
    };

    public override string ToString() => $"{Amount} {Currency}";
}
