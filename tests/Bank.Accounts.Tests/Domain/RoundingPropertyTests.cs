using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using CsCheck;
using Xunit;
using static Bank.Accounts.Tests.Domain.AccountScenario;

namespace Bank.Accounts.Tests.Domain;

/// <summary>
/// Rounding is always in the bank's favour, whatever the rates: for random rates and random sequences of deposits,
/// withdrawals and transfers between three accounts in three currencies, the accounts are never worth more at the mid
/// rates than what was paid in less what was paid out, no balance goes below zero, and every transfer pays at least what
/// it credits.
/// </summary>
public sealed class RoundingPropertyTests
{
    private enum Kind
    {
        Deposit,
        Withdrawal,
        Transfer,
    }

    private sealed record Operation(Kind Kind, int Account, int Other, decimal Amount, Currency Currency);

    [Fact]
    public void No_sequence_of_commands_creates_money_at_any_rates()
    {
        // Rates with up to 4 decimals between 0.5 and 200 units per reference, so that valuations stay exact in decimal.
        var rate = Gen.Int[5_000, 2_000_000].Select(tenThousandths => tenThousandths / 10_000m);
        var amount = Gen.OneOf(Gen.Int[1, 9], Gen.Int[1, 1_000], Gen.Int[1, 100_000_000]).Select(cents => cents / 100m);
        var operation = Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 2], Gen.Int[1, 2], amount, Gen.Enum<Currency>())
            .Select((kind, account, offset, money, currency) => new Operation(kind, account, (account + offset) % 3, money, currency));

        Gen.Select(rate, rate, operation.Array[1, 40]).Sample((usd, cad, operations) =>
        {
            var units = new Dictionary<Currency, decimal> { [Currency.EUR] = 1m, [Currency.USD] = usd, [Currency.CAD] = cad };
            var rates = new ExchangeRates(units);
            var accounts = Currencies.All.Select((currency, i) => Account.Create(new AccountOpened(Guid.NewGuid(), OwnerId, currency.ToString()))).ToArray();
            var paidIn = 0m;
            foreach (var op in operations)
            {
                var money = Of(op.Amount, op.Currency);
                try
                {
                    switch (op.Kind)
                    {
                        case Kind.Deposit:
                            accounts[op.Account] = accounts[op.Account].Apply(accounts[op.Account].Deposit(money, rates));
                            paidIn += Value(op.Amount, op.Currency, units);
                            break;
                        case Kind.Withdrawal:
                            accounts[op.Account] = accounts[op.Account].Apply(accounts[op.Account].Withdraw(money, rates));
                            paidIn -= Value(op.Amount, op.Currency, units);
                            break;
                        default:
                            var (paid, received) = accounts[op.Account].TransferTo(accounts[op.Other], Guid.NewGuid(), money, rates);
                            Assert.True(Value(paid.Amount, accounts[op.Account].Currency, units) >= Value(received.Amount, accounts[op.Other].Currency, units));
                            (accounts[op.Account], accounts[op.Other]) = (accounts[op.Account].Apply(paid), accounts[op.Other].Apply(received));
                            break;
                    }
                }
                catch (Exception refused) when (refused is AmountTooSmall or InsufficientFunds)
                {
                    // Refused: nothing moved.
                }

                Assert.All(accounts, account => Assert.True(account.Balance >= 0));
                Assert.True(accounts.Sum(a => Value(a.Balance, a.Currency, units)) <= paidIn);
            }
        });
    }

    /// <summary>An amount's worth at the mid rates, unrounded: times the other currencies' rates, so that it is exact.</summary>
    private static decimal Value(decimal amount, Currency currency, Dictionary<Currency, decimal> units) =>
        amount * units.Where(u => u.Key != currency).Aggregate(1m, (product, u) => product * u.Value);
}
