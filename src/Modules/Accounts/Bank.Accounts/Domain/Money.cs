using System.Diagnostics.CodeAnalysis;

namespace Bank.Accounts.Domain;

/// <summary>An amount to deposit, withdraw or transfer (<see cref="MoneyAmount"/>'s rules), in a known currency.</summary>
internal sealed record Money
{
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
        if (MoneyAmount.Error(amount) is { } amountError)
        {
            found["amount"] = amountError;
        }

        if (!Currencies.TryParse(currency, out var parsed))
        {
            found["currency"] = Currencies.Error(currency);
        }

        errors = found;
        money = found.Count == 0 ? new Money(MoneyAmount.InCents(amount!.Value), parsed) : null;
        return money is not null;
    }

    public override string ToString() => $"{Amount} {Currency}";
}
