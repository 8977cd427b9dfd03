using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;

namespace Bank.Accounts.Tests.Domain;

/// <summary>Given these events (folded exactly as the event store folds them), when a command, then events or an error.</summary>
internal static class AccountScenario
{
    public static readonly Guid AccountId = Guid.Parse("0b6c8a35-3f0e-4c8a-9d0a-6f5b2c1e7d11");
    public static readonly Guid OtherId = Guid.Parse("9a1f3c77-2b64-4e0d-a5c8-3d7e6f1b0c42");
    public static readonly Guid OwnerId = Guid.Parse("5d2e9f10-7a41-4d2b-8c3e-1f0a9b8c7d62");

    /// <summary>1 EUR = 1.08 USD = 1.47 CAD, as in the default configuration; used at full precision.</summary>
    public static readonly ExchangeRates Rates = new(new Dictionary<Currency, decimal>
    {
        [Currency.EUR] = 1m,
        [Currency.USD] = 1.08m,
        [Currency.CAD] = 1.47m,
    });

    public static AccountOpened Opened(Currency currency = Currency.EUR) => new(AccountId, OwnerId, currency.ToString());

    public static MoneyDeposited Deposited(decimal amount, decimal balance, string currency = "EUR", Guid? accountId = null) =>
        new(accountId ?? AccountId, amount, currency, amount, currency, 1m, balance);

    public static MoneyWithdrawn Withdrawn(decimal amount, decimal balance, string currency = "EUR") =>
        new(AccountId, amount, currency, amount, currency, 1m, balance);

    public static Account Given(AccountOpened opened, params object[] events) =>
        events.Aggregate(Account.Create(opened), (account, e) => e switch
        {
            MoneyDeposited deposited => account.Apply(deposited),
            MoneyWithdrawn withdrawn => account.Apply(withdrawn),
            MoneyTransferredOut paid => account.Apply(paid),
            MoneyTransferredIn received => account.Apply(received),
            _ => throw new ArgumentException($"Unexpected event {e}"),
        });

    public static Money Of(decimal amount, Currency currency) =>
        Money.TryCreate(amount, currency.ToString(), out var money, out var errors) ? money : throw new ArgumentException(string.Join("; ", errors.Values));

    /// <summary>
    /// What the accounts are worth together at the mid rates, unrounded, in units of 1 / (1.08 × 1.47) EUR: each balance
    /// times the other currencies' rates, so that the comparison is exact.
    /// </summary>
    public static decimal MidValue(params Account[] accounts)
    {
        var units = new Dictionary<Currency, decimal> { [Currency.EUR] = 1m, [Currency.USD] = 1.08m, [Currency.CAD] = 1.47m };
        return accounts.Sum(account => account.Balance * units.Where(u => u.Key != account.Currency).Aggregate(1m, (product, u) => product * u.Value));
    }
}
