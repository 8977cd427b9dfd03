using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.QueryModels;
using MassTransit;

namespace Bank.Accounts.GetAccountDetails;

internal sealed class AccountDetailsConsumer(QueryModelBatch views)
    : IConsumer<AccountOpened>,
        IConsumer<MoneyDeposited>,
        IConsumer<MoneyWithdrawn>,
        IConsumer<MoneyTransferredOut>,
        IConsumer<MoneyTransferredIn>
{
    public Task Consume(ConsumeContext<AccountOpened> context) =>
        views.ApplyAsync<AccountDetails>(context, context.Message.AccountId, (_, version) =>
            new AccountDetails(context.Message.AccountId, context.Message.CustomerId, context.Message.Currency, 0m) { Version = version });

    public Task Consume(ConsumeContext<MoneyDeposited> context) =>
        SetBalance(context, context.Message.AccountId, context.Message.Currency, context.Message.Balance);

    public Task Consume(ConsumeContext<MoneyWithdrawn> context) =>
        SetBalance(context, context.Message.AccountId, context.Message.Currency, context.Message.Balance);

    public Task Consume(ConsumeContext<MoneyTransferredOut> context) =>
        SetBalance(context, context.Message.AccountId, context.Message.Currency, context.Message.Balance);

    public Task Consume(ConsumeContext<MoneyTransferredIn> context) =>
        SetBalance(context, context.Message.AccountId, context.Message.Currency, context.Message.Balance);

    // Events carry the balance after them, so the newest event alone tells the balance.
    private Task SetBalance(ConsumeContext context, Guid accountId, string currency, decimal balance) =>
        views.ApplyAsync<AccountDetails>(context, accountId, (current, version) =>
            (current ?? new AccountDetails(accountId, Guid.Empty, currency, balance)) with { Balance = balance, Version = version });
}
