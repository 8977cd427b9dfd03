using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.Money;

namespace Bank.Accounts.Domain;

/// <summary>
/// A customer's account in one currency. Its balance never goes below zero. Kept as an
/// inline snapshot, so deciding a command reads one row whatever the stream's length.
/// </summary>
internal sealed record Account(Guid Id, Guid OwnerId, Currency Currency, decimal Balance)
{
    public static AccountOpened Open(Guid accountId, Guid ownerId, Currency currency) =>
        new(accountId, ownerId, currency.ToString());

    public MoneyDeposited Deposit(Money money, ExchangeRates rates)
    {
        var (amount, rate) = InAccountCurrency(money, rates);
        return new MoneyDeposited(
            Id, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rate, Balance + amount);
    }

    public MoneyWithdrawn Withdraw(Money money, ExchangeRates rates)
    {
        var (amount, rate) = InAccountCurrency(money, rates);
        if (amount > Balance)
        {
            throw new InsufficientFunds(Id, Balance, amount, Currency, "withdrawal");
        }

        return new MoneyWithdrawn(
            Id, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rate, Balance - amount);
    }

    /// <summary>The debit side of a transfer: this account pays <paramref name="money"/>, converted to its currency.</summary>
    public MoneyTransferredOut TransferOut(Guid transferId, Guid toAccountId, Money money, ExchangeRates rates)
    {
        var (amount, rate) = InAccountCurrency(money, rates);
        if (amount > Balance)
        {
            throw new InsufficientFunds(Id, Balance, amount, Currency, "transfer");
        }

        return new MoneyTransferredOut(
            Id, transferId, toAccountId, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rate, Balance - amount);
    }

    /// <summary>The credit side of a transfer: this account receives <paramref name="money"/>, converted to its currency.</summary>
    public MoneyTransferredIn TransferIn(Guid transferId, Guid fromAccountId, Money money, ExchangeRates rates)
    {
        var (amount, rate) = InAccountCurrency(money, rates);
        return new MoneyTransferredIn(
            Id, transferId, fromAccountId, amount, Currency.ToString(), money.Amount, money.Currency.ToString(), rate, Balance + amount);
    }

    public static Account Create(AccountOpened opened) =>
        new(opened.AccountId, opened.CustomerId, Enum.Parse<Currency>(opened.Currency), 0m);

    public Account Apply(MoneyDeposited deposited) => this with { Balance = Balance + deposited.Amount };

    public Account Apply(MoneyWithdrawn withdrawn) => this with { Balance = Balance - withdrawn.Amount };

    public Account Apply(MoneyTransferredOut transferred) => this with { Balance = Balance - transferred.Amount };

    public Account Apply(MoneyTransferredIn transferred) => this with { Balance = Balance + transferred.Amount };

    private (decimal Amount, decimal Rate) InAccountCurrency(Money money, ExchangeRates rates)
    {
        var rate = rates.RateOf(money.Currency, Currency);
        var amount = rates.Convert(money.Amount, money.Currency, Currency);
        if (amount <= 0)
        {
            throw new AmountTooSmall(money, Currency);
        }

        return (amount, rate);
    }
}
