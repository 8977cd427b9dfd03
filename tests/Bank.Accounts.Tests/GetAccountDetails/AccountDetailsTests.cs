using Bank.Accounts.Contracts;
using Bank.Accounts.GetAccountDetails;
using Bank.Customers.Contracts;
using Bank.Testing;
using Xunit;

namespace Bank.Accounts.Tests.GetAccountDetails;

/// <summary>The account details and their owners, fed through the module event handler, with their documents in real PostgreSQL.</summary>
public sealed class AccountDetailsTests : IAsyncLifetime
{
    private static readonly Guid CustomerId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000001");
    private static readonly Guid AccountId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000002");

    private ModuleHarness _module = null!;

    public async Task InitializeAsync() =>
        _module = await ModuleHarness.StartAsync((services, _) => services.AddAccountsModule(), bus => bus.AddAccountsConsumers());

    public async Task DisposeAsync() => await _module.DisposeAsync();

    [Fact]
    public async Task An_opened_account_starts_at_zero_with_its_owner_and_currency()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "CAD"), 1);

        Assert.Equal(new AccountDetails(AccountId, CustomerId, "CAD", 0m) { Version = 1 }, await _module.LoadAsync<AccountDetails>(AccountId));
    }

    [Fact]
    public async Task Money_movements_set_the_balance_and_the_version()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 92.59m, "EUR", 100m, "USD", 0.925926m, 92.59m), 2);
        await _module.PublishAsync(new MoneyWithdrawn(AccountId, 2.59m, "EUR", 2.59m, "EUR", 1m, 90m), 3);

        var view = await _module.LoadAsync<AccountDetails>(AccountId);

        Assert.Equal((90m, 3L), (view!.Balance, view.Version));
    }

    [Fact]
    public async Task Duplicates_and_older_events_change_nothing()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 10m, "EUR", 10m, "EUR", 1m, 10m), 2);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 10m, "EUR", 10m, "EUR", 1m, 10m), 2);
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);

        var view = await _module.LoadAsync<AccountDetails>(AccountId);

        Assert.Equal((10m, 2L), (view!.Balance, view.Version));
    }

    [Fact]
    public async Task The_owner_may_arrive_before_or_after_the_account()
    {
        var otherAccount = Guid.NewGuid();
        var otherCustomer = Guid.NewGuid();
        await _module.PublishAsync(new CustomerCreated(CustomerId, "First", "Owner", "first@example.com"), 1);
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);
        await _module.PublishAsync(new AccountOpened(otherAccount, otherCustomer, "USD"), 1);
        await _module.PublishAsync(new CustomerCreated(otherCustomer, "Second", "Owner", "second@example.com"), 1);

        Assert.Equal("first@example.com", (await _module.LoadAsync<AccountOwner>((await _module.LoadAsync<AccountDetails>(AccountId))!.OwnerId))!.Email);
        Assert.Equal("Second", (await _module.LoadAsync<AccountOwner>((await _module.LoadAsync<AccountDetails>(otherAccount))!.OwnerId))!.FirstName);
    }
}
