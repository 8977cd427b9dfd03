using Bank.Accounts.Contracts;
using Bank.Customers.Contracts;
using Bank.Customers.GetCustomerDetails;
using Bank.Testing;
using Xunit;

namespace Bank.Customers.Tests.GetCustomerDetails;

/// <summary>Customer details and their accounts, fed through the module event handler, with their documents in real PostgreSQL.</summary>
public sealed class CustomerDetailsTests : IAsyncLifetime
{
    private static readonly Guid CustomerId = Guid.Parse("7b1c9d20-0000-4000-8000-000000000001");
    private static readonly Guid AccountId = Guid.Parse("7b1c9d20-0000-4000-8000-000000000002");

    private ModuleHarness _module = null!;

    public async Task InitializeAsync() =>
        _module = await ModuleHarness.StartAsync(
            (services, configuration) => services.AddCustomersModule(configuration), bus => bus.AddCustomersConsumers());

    public async Task DisposeAsync() => await _module.DisposeAsync();

    [Fact]
    public async Task A_created_customer_gets_a_profile()
    {
        await _module.PublishAsync(new CustomerCreated(CustomerId, "Ada", "Lovelace", "ada@example.com"), 1);

        var profile = await _module.LoadAsync<CustomerDetails>(CustomerId);

        Assert.NotNull(profile);
        Assert.Equal(("Ada", "Lovelace", "ada@example.com", 1L), (profile.FirstName, profile.LastName, profile.Email, profile.Version));
    }

    [Fact]
    public async Task A_duplicate_of_an_applied_event_changes_nothing()
    {
        await _module.PublishAsync(new CustomerCreated(CustomerId, "Ada", "Lovelace", "ada@example.com"), 1);

        await _module.PublishAsync(new CustomerCreated(CustomerId, "Changed", "Twice", "other@example.com"), 1);

        Assert.Equal("Ada", (await _module.LoadAsync<CustomerDetails>(CustomerId))!.FirstName);
    }

    [Fact]
    public async Task Deposits_and_withdrawals_leave_the_balance_of_the_newest_event()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 100m, "EUR", 100m, "EUR", 1m, 100m), 2);
        await _module.PublishAsync(new MoneyWithdrawn(AccountId, 30m, "EUR", 30m, "EUR", 1m, 70m), 3);

        var account = await _module.LoadAsync<CustomerAccount>(AccountId);

        Assert.Equal(new CustomerAccount(AccountId, CustomerId, "EUR", 70m) { Version = 3 }, account);
    }

    [Fact]
    public async Task An_older_event_arriving_after_a_newer_one_is_ignored()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "EUR"), 1);
        await _module.PublishAsync(new MoneyWithdrawn(AccountId, 30m, "EUR", 30m, "EUR", 1m, 70m), 3);

        await _module.PublishAsync(new MoneyDeposited(AccountId, 100m, "EUR", 100m, "EUR", 1m, 100m), 2);

        Assert.Equal(70m, (await _module.LoadAsync<CustomerAccount>(AccountId))!.Balance);
    }

    [Fact]
    public async Task A_view_first_created_by_a_later_event_keeps_that_version()
    {
        await _module.PublishAsync(new MoneyWithdrawn(AccountId, 30m, "EUR", 30m, "EUR", 1m, 70m), 3);

        await _module.PublishAsync(new MoneyDeposited(AccountId, 100m, "EUR", 100m, "EUR", 1m, 100m), 2);

        var account = (await _module.LoadAsync<CustomerAccount>(AccountId))!;
        Assert.Equal((70m, 3L), (account.Balance, account.Version));
    }

    [Fact]
    public async Task An_account_opened_before_its_owner_is_known_still_converges()
    {
        await _module.PublishAsync(new AccountOpened(AccountId, CustomerId, "USD"), 1);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 5m, "USD", 5m, "USD", 1m, 5m), 2);
        Assert.Null(await _module.LoadAsync<CustomerDetails>(CustomerId));

        await _module.PublishAsync(new CustomerCreated(CustomerId, "Late", "Owner", "late@example.com"), 1);

        Assert.NotNull(await _module.LoadAsync<CustomerDetails>(CustomerId));
        Assert.Equal(CustomerId, (await _module.LoadAsync<CustomerAccount>(AccountId))!.CustomerId);
    }
}
