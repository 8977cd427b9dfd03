using Bank.Accounts.Domain;

namespace Bank.Accounts.Streams;

/// <summary>What a command that moves money was asked to move, and the payer's reference, once both are valid.</summary>
internal sealed record Payment(Money Money, string? Reference)
{
    /// <summary>The payment, or null with what is wrong with each field added to <paramref name="errors"/>.</summary>
    public static Payment? Parse(decimal? amount, string? currency, string? reference, ValidationErrors errors)
    {
        if (!Money.TryCreate(amount, currency, out var money, out var moneyErrors))
        {
            errors.Add(moneyErrors);
        }

        if (!PaymentReference.TryParse(reference, out var trimmed, out var referenceError))
        {
            errors.Add("reference", referenceError);
        }

        return money is not null && referenceError is null ? new Payment(money, trimmed) : null;
    }
}
