using Bank.Accounts.Contracts;

namespace Bank.Accounts.Domain;

/// <summary>
/// A customer's account in one currency. Its balance never goes below zero. Kept as an
/// inline snapshot, so deciding a command reads one row whatever the stream's length.
/// Money in another currency is converted at the mid rate and rounded to the cent in the bank's favour
/// (<see cref="ExchangeRates"/>): what the account receives rounded down, what it pays rounded up.
/// </summary>
internal sealed record Account(Guid Id, Guid OwnerId, Currency Currency, decimal Balance)
{
    public static AccountOpened Open(Guid accountId, Guid ownerId, Currency currency) =>
        new(accountId, ownerId, currency.ToString());

    public MoneyDeposited Deposit(Money money, ExchangeRates rates, string? reference = null)
    {
        var amount = Receivable(money, rates);
        return new MoneyDeposited(
            Id, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rates.RateOf(money.Currency, Currency), Balance + amount, reference);
    }

    public MoneyWithdrawn Withdraw(Money money, ExchangeRates rates, string? reference = null)
    {
        var amount = Payable(money, rates, "withdrawal");
        return new MoneyWithdrawn(
            Id, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rates.RateOf(money.Currency, Currency), Balance - amount, reference);
    }

    /// <summary>
    /// Moves <paramref name="money"/> from this account to <paramref name="destination"/>. Both sides come from the one
    /// amount asked for, valued at the mid rates: this account pays it rounded up to its cent, the destination receives it
    /// rounded down to its own, so no transfer, or loop of transfers, pays out more than it takes in. Refused when the
    /// destination would receive nothing, or when this account holds less than it pays.
    /// </summary>
    public (MoneyTransferredOut Paid, MoneyTransferredIn Received) TransferTo(
        Account destination, Guid transferId, Money money, ExchangeRates rates, string? reference = null)
    {
        var received = destination.Receivable(money, rates);
        var paid = Payable(money, rates, "transfer");
        var (asked, askedIn) = (money.Amount, money.Currency.ToString());
        return (
            new MoneyTransferredOut(
                Id, transferId, destination.Id, paid, Currency.ToString(), asked, askedIn, rates.RateOf(money.Currency, Currency), Balance - paid, reference),
            new MoneyTransferredIn(
                destination.Id,
                transferId,
                Id,
                received,
                destination.Currency.ToString(),
                asked,
                askedIn,
                rates.RateOf(money.Currency, destination.Currency),
                destination.Balance + received,
                reference));
    }

    public static Account Create(AccountOpened opened) =>
        new(opened.AccountId, opened.CustomerId, Enum.Parse<Currency>(opened.Currency), 0m);

    public Account Apply(MoneyDeposited deposited) => this with { Balance = Balance + deposited.Amount };

    public Account Apply(MoneyWithdrawn withdrawn) => this with { Balance = Balance - withdrawn.Amount };

    public Account Apply(MoneyTransferredOut transferred) => this with { Balance = Balance - transferred.Amount };

    public Account Apply(MoneyTransferredIn transferred) => this with { Balance = Balance + transferred.Amount };

    /// <summary>What this account receives for <paramref name="money"/>: at least a cent, or nothing is moved.</summary>
    private decimal Receivable(Money money, ExchangeRates rates)
    {
        var amount = rates.Credit(money.Amount, money.Currency, Currency);
        return amount > 0 ? amount : throw new AmountTooSmall(money, Currency);
    }

    /// <summary>What this account pays for <paramref name="money"/>: never more than it holds.</summary>
    private decimal Payable(Money money, ExchangeRates rates, string operation)
    {
        var amount = rates.Debit(money.Amount, money.Currency, Currency);
        return amount <= Balance ? amount : throw new InsufficientFunds(Id, Balance, amount, Currency, operation);
    }
}
