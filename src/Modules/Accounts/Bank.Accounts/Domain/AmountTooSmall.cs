namespace Bank.Accounts.Domain;

/// <summary>An amount that the receiving account would get less than one cent of, once converted: nothing is moved.</summary>
internal sealed class AmountTooSmall(Money money, Currency accountCurrency)
    : RuleViolation($"{money.Amount} {money.Currency} is less than 0.01 {accountCurrency} once converted; the receiving account would get nothing.")
{
    public override string? Field => "amount";

    public override string Title => "Amount too small.";
}
