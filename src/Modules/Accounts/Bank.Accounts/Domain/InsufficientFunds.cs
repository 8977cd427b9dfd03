namespace Bank.Accounts.Domain;

/// <summary>The account holds less than a withdrawal or a transfer asks for; nothing is taken.</summary>
internal sealed class InsufficientFunds(Guid accountId, decimal balance, decimal requested, Currency currency, string operation)
    : RuleViolation($"Account {accountId} holds {balance:0.00} {currency}; the {operation} needs {requested:0.00} {currency}.")
{
    public decimal Balance { get; } = balance;

    public decimal Requested { get; } = requested;

    public override string Title => "Insufficient funds.";
}
