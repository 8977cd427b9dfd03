using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Xunit;
using static Bank.Accounts.Tests.Domain.AccountScenario;

namespace Bank.Accounts.Tests.Domain;

public sealed class AccountTests
{
    [Fact]
    public void Opening_an_account_records_its_owner_and_currency_and_starts_at_zero()
    {
        var opened = Account.Open(AccountId, OwnerId, Currency.CAD);

        Assert.Equal(new AccountOpened(AccountId, OwnerId, "CAD"), opened);
        Assert.Equal(0m, Given(opened).Balance);
    }

    [Fact]
    public void Given_an_open_account_when_depositing_then_money_is_deposited_with_the_new_balance()
    {
        var account = Given(Opened(), Deposited(10m, 10m));

        var deposited = account.Deposit(Of(5.25m, Currency.EUR), Rates);

        Assert.Equal(new MoneyDeposited(AccountId, 5.25m, "EUR", 5.25m, "EUR", 1m, 15.25m), deposited);
    }

    [Fact]
    public void Given_a_euro_account_when_depositing_dollars_then_the_event_records_original_amount_rate_and_converted_amount()
    {
        var account = Given(Opened(Currency.EUR));

        var deposited = account.Deposit(Of(100m, Currency.USD), Rates);

        Assert.Equal(new MoneyDeposited(AccountId, 92.59m, "EUR", 100m, "USD", 1m / 1.08m, 92.59m), deposited);
    }

    [Fact]
    public void Given_a_cad_account_when_depositing_euros_then_they_are_converted_at_the_configured_rate()
    {
        var deposited = Given(Opened(Currency.CAD)).Deposit(Of(10m, Currency.EUR), Rates);

        Assert.Equal(14.70m, deposited.Amount);
        Assert.Equal(1.47m, deposited.ExchangeRate);
    }

    [Fact]
    public void Replaying_a_converted_deposit_uses_the_recorded_amount_not_todays_rate()
    {
        var recorded = new MoneyDeposited(AccountId, 90m, "EUR", 100m, "USD", 0.9m, 90m);

        Assert.Equal(90m, Given(Opened(), recorded).Balance);
    }

    [Fact]
    public void Given_a_balance_when_withdrawing_less_then_money_is_withdrawn_with_the_new_balance()
    {
        var account = Given(Opened(), Deposited(20m, 20m), Withdrawn(5m, 15m));

        var withdrawn = account.Withdraw(Of(15m, Currency.EUR), Rates);

        Assert.Equal(new MoneyWithdrawn(AccountId, 15m, "EUR", 15m, "EUR", 1m, 0m), withdrawn);
    }

    [Fact]
    public void Given_a_balance_when_withdrawing_more_then_insufficient_funds()
    {
        var account = Given(Opened(), Deposited(20m, 20m));

        var error = Assert.Throws<InsufficientFunds>(() => account.Withdraw(Of(20.01m, Currency.EUR), Rates));

        Assert.Equal(20m, error.Balance);
        Assert.Equal(20.01m, error.Requested);
    }

    [Fact]
    public void Given_a_new_account_when_withdrawing_anything_then_insufficient_funds()
    {
        Assert.Throws<InsufficientFunds>(() => Given(Opened()).Withdraw(Of(0.01m, Currency.EUR), Rates));
    }

    [Fact]
    public void A_withdrawal_in_another_currency_is_checked_against_the_converted_amount()
    {
        var account = Given(Opened(Currency.EUR), Deposited(100m, 100m));

        Assert.Equal(0m, account.Withdraw(Of(108m, Currency.USD), Rates).Balance);
        Assert.Throws<InsufficientFunds>(() => account.Withdraw(Of(108.02m, Currency.USD), Rates));
    }

    [Fact]
    public void A_deposit_worth_less_than_a_cent_once_converted_is_refused_and_a_withdrawal_of_it_costs_a_cent()
    {
        var weakCad = new ExchangeRates(new Dictionary<Currency, decimal>
        {
            [Currency.EUR] = 1m,
            [Currency.USD] = 1m,
            [Currency.CAD] = 1000m,
        });
        var account = Given(Opened(Currency.EUR), Deposited(100m, 100m));

        Assert.Throws<AmountTooSmall>(() => account.Deposit(Of(0.01m, Currency.CAD), weakCad));
        Assert.Equal(0.01m, account.Withdraw(Of(0.01m, Currency.CAD), weakCad).Amount);
    }

    [Fact]
    public void Given_a_balance_when_transferring_then_the_source_pays_in_its_currency_and_the_destination_receives_in_its_own()
    {
        var transferId = Guid.NewGuid();
        var source = Given(Opened(Currency.USD), Deposited(50m, 50m, "USD"));
        var destination = Given(Opened(Currency.CAD) with { AccountId = OtherId });

        var (paid, received) = source.TransferTo(destination, transferId, Of(10m, Currency.EUR), Rates);

        Assert.Equal(new MoneyTransferredOut(AccountId, transferId, OtherId, 10.80m, "USD", 10m, "EUR", 1.08m, 39.20m), paid);
        Assert.Equal(new MoneyTransferredIn(OtherId, transferId, AccountId, 14.70m, "CAD", 10m, "EUR", 1.47m, 14.70m), received);
        Assert.Equal(39.20m, Given(Opened(Currency.USD), Deposited(50m, 50m, "USD"), paid).Balance);
    }

    [Fact]
    public void A_transfer_pays_rounded_up_and_receives_rounded_down_from_the_one_amount_asked_for()
    {
        var source = Given(Opened(Currency.CAD), Deposited(1m, 1m, "CAD"));
        var destination = Given(Opened(Currency.EUR) with { AccountId = OtherId });

        // 0.05 USD is 0.068055… CAD and 0.046296… EUR.
        var (paid, received) = source.TransferTo(destination, Guid.NewGuid(), Of(0.05m, Currency.USD), Rates);

        Assert.Equal(0.07m, paid.Amount);
        Assert.Equal(0.04m, received.Amount);
    }

    [Fact]
    public void A_transfer_of_which_the_destination_would_receive_nothing_is_refused()
    {
        var source = Given(Opened(Currency.CAD), Deposited(1m, 1m, "CAD"));
        var destination = Given(Opened(Currency.EUR) with { AccountId = OtherId });

        var error = Assert.Throws<AmountTooSmall>(() => source.TransferTo(destination, Guid.NewGuid(), Of(0.01m, Currency.USD), Rates));

        Assert.Contains("less than 0.01 EUR once converted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Looping_small_transfers_between_two_currencies_never_grows_their_value()
    {
        var cad = Given(Opened(Currency.CAD), Deposited(1m, 1m, "CAD"));
        var eur = Given(Opened(Currency.EUR) with { AccountId = OtherId });
        var before = MidValue(cad, eur);

        // The loop that once made 0.11 CAD out of 0.01: whatever each leg does now, the pair never gains.
        for (var round = 0; round < 10; round++)
        {
            (cad, eur) = TryTransfer(cad, eur, Of(0.01m, Currency.USD));
            (eur, cad) = TryTransfer(eur, cad, Of(0.02m, Currency.CAD));
            Assert.True(MidValue(cad, eur) <= before, $"Round {round}: {cad.Balance} CAD and {eur.Balance} EUR are worth more than 1 CAD.");
        }
    }

    [Fact]
    public void Given_a_balance_when_transferring_more_then_insufficient_funds_naming_the_transfer()
    {
        var account = Given(Opened(), Deposited(20m, 20m));
        var destination = Given(Opened() with { AccountId = OtherId });

        var error = Assert.Throws<InsufficientFunds>(() => account.TransferTo(destination, Guid.NewGuid(), Of(20.01m, Currency.EUR), Rates));

        Assert.Contains("the transfer needs 20.01 EUR", error.Message, StringComparison.Ordinal);
    }

    private static (Account From, Account To) TryTransfer(Account from, Account to, Money money)
    {
        try
        {
            var (paid, received) = from.TransferTo(to, Guid.NewGuid(), money, Rates);
            return (from.Apply(paid), to.Apply(received));
        }
        catch (Exception refused) when (refused is AmountTooSmall or InsufficientFunds)
        {
            return (from, to);
        }
    }
}
