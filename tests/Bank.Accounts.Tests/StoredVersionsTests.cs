using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Money;
using Bank.Customers.Contracts;
using Bank.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bank.Accounts.Tests;

/// <summary>An account whose events were stored as version 1, loaded from them by a bank that writes version 2.</summary>
public sealed class StoredVersionsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = _database.ConnectionString })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEventStore(configuration);
        services.AddEventTypes(CustomerEvents.AggregateType, CustomerEvents.TypeNames);
        services.AddAccountsModule();
        _services = services.BuildServiceProvider();
        await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private IDocumentStore Store => _services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task An_account_loads_from_events_stored_as_version_1_as_it_did_when_they_were_new()
    {
        var accountId = Guid.NewGuid();
        await using (var session = Store.LightweightSession())
        {
            session.Events.StartStream<Account>(
                accountId,
                new AccountOpened(accountId, Guid.NewGuid(), "EUR"),
                new MoneyDeposited(accountId, 25.00m, "EUR", 27.00m, "USD", 0.9259m, 25.00m, "Salary"),
                new MoneyWithdrawn(accountId, 5.10m, "EUR", 5.10m, "EUR", 1m, 19.90m));
            await session.SaveChangesAsync();
        }

        Assert.Equal(2, await Version1Events.RewriteMoneyMovementsAsync(_database));

        await using (var session = Store.LightweightSession())
        {
            var account = await session.Events.AggregateStreamAsync<Account>(accountId);
            Assert.Equal(19.90m, account!.Balance);
            var deposited = Assert.IsType<MoneyDeposited>((await session.Events.FetchStreamAsync(accountId))[1].Data);
            Assert.Equal(new MoneyDeposited(accountId, 25.00m, "EUR", 27.00m, "USD", 0.9259m, 25.00m, "Salary"), deposited);

            // A command on top of them: the old events stay as they were written, the new one is version 2.
            var stream = await session.Events.FetchForExclusiveWriting<Account>(accountId);
            stream.AppendOne(stream.Aggregate!.Deposit(Domain.AccountScenario.Of(0.10m, Currency.EUR), Domain.AccountScenario.Rates));
            await session.SaveChangesAsync();
        }

        await using (var session = Store.QuerySession())
        {
            Assert.Equal(20.00m, (await session.Events.AggregateStreamAsync<Account>(accountId))!.Balance);
            Assert.Equal(20.00m, (await session.LoadAsync<Account>(accountId))!.Balance);
        }

        Assert.Equal(
            "AccountOpened,MoneyDeposited,MoneyWithdrawn,MoneyDeposited.v2",
            await _database.ScalarAsync<string>($"SELECT string_agg(type, ',' ORDER BY version) FROM bank.mt_events WHERE stream_id = '{accountId}'"));
    }
}
