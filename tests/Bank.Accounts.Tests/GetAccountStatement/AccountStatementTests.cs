using Bank.Accounts.Contracts;
using Bank.Accounts.GetAccountStatement;
using Bank.BuildingBlocks.QueryModels;
using Bank.Testing;
using Xunit;

namespace Bank.Accounts.Tests.GetAccountStatement;

/// <summary>The statement lines, fed through the module event handler, with their documents in real PostgreSQL.</summary>
public sealed class AccountStatementTests : IAsyncLifetime
{
    private static readonly Guid CustomerId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000011");
    private static readonly Guid AccountId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000012");
    private static readonly Guid OtherId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000013");
    private static readonly Guid TransferId = Guid.Parse("3e6f0a10-0000-4000-8000-000000000014");

    private ModuleHarness _module = null!;

    public async Task InitializeAsync() =>
        _module = await ModuleHarness.StartAsync((services, _) => services.AddAccountsModule(), bus => bus.AddAccountsConsumers());

    public async Task DisposeAsync() => await _module.DisposeAsync();

    [Fact]
    public async Task Each_money_movement_makes_one_line_with_the_balance_after_it_and_opening_makes_none()
    {
        await _module.PublishAsync(
        [
            (new AccountOpened(AccountId, CustomerId, "EUR"), 1),
            (new MoneyDeposited(AccountId, 92.59m, "EUR", 100m, "USD", 0.925926m, 92.59m), 2),
            (new MoneyWithdrawn(AccountId, 2.59m, "EUR", 2.59m, "EUR", 1m, 90m), 3),
            (new MoneyTransferredOut(AccountId, TransferId, OtherId, 10m, "EUR", 10.80m, "USD", 0.925926m, 80m), 4),
            (new MoneyTransferredIn(AccountId, TransferId, OtherId, 5m, "EUR", 5m, "EUR", 1m, 85m), 5),
        ]);

        Assert.Null(await LineAsync(1));
        var deposit = await LineAsync(2);
        Assert.Equal(("deposit", 92.59m, 100m, "USD", 92.59m, (Guid?)null, (Guid?)null), Shape(deposit!));
        Assert.Equal(("withdrawal", 2.59m, 2.59m, "EUR", 90m, (Guid?)null, (Guid?)null), Shape((await LineAsync(3))!));
        Assert.Equal(("transferOut", 10m, 10.80m, "USD", 80m, (Guid?)TransferId, (Guid?)OtherId), Shape((await LineAsync(4))!));
        Assert.Equal(("transferIn", 5m, 5m, "EUR", 85m, (Guid?)TransferId, (Guid?)OtherId), Shape((await LineAsync(5))!));
    }

    [Fact]
    public async Task A_version_delivered_again_keeps_its_first_line()
    {
        await _module.PublishAsync(new MoneyDeposited(AccountId, 10m, "EUR", 10m, "EUR", 1m, 10m), 2);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 10m, "EUR", 10m, "EUR", 1m, 10m), 2);
        await _module.PublishAsync(new MoneyDeposited(AccountId, 99m, "EUR", 99m, "EUR", 1m, 99m), 2);

        var line = await LineAsync(2);

        Assert.Equal(10m, line!.Balance);
        Assert.Equal(2, line.Version);
    }

    private Task<StatementLine?> LineAsync(long version) => _module.LoadAsync<StatementLine>(QueryModelBatch.RowId(AccountId, version));

    private static (string, decimal, decimal, string, decimal, Guid?, Guid?) Shape(StatementLine line) =>
        (line.Type, line.Amount, line.OriginalAmount, line.OriginalCurrency, line.Balance, line.TransferId, line.CounterpartyAccountId);
}
