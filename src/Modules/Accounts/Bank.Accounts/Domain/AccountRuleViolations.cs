namespace Bank.Accounts.Domain;

/// <summary>The account holds less than a withdrawal or a transfer asks for; nothing is taken.</summary>
internal sealed class InsufficientFunds(Guid accountId, decimal balance, decimal requested, Currency currency, string operation)
    : RuleViolation($"Account {accountId} holds {balance:0.00} {currency}; the {operation} needs {requested:0.00} {currency}.")
{
    public decimal Balance { get; } = balance;

    public decimal Requested { get; } = requested;

    public override string Title => "Insufficient funds.";
}

/// <summary>An amount that the receiving account would get less than one cent of, once converted: nothing is moved.</summary>
internal sealed class AmountTooSmall(Money money, Currency accountCurrency)
    : RuleViolation($"{money.Amount} {money.Currency} is less than 0.01 {accountCurrency} once converted; the receiving account would get nothing.")
{
    public override string? Field => "amount";

    public override string Title => "Amount too small.";
}
