using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.QueryModels;
using MassTransit;

namespace Bank.Customers.GetCustomerDetails;

internal sealed class CustomerAccountConsumer(QueryModelBatch views)
    : IConsumer<AccountOpened>,
        IConsumer<MoneyDeposited>,
        IConsumer<MoneyWithdrawn>,
        IConsumer<MoneyTransferredOut>,
        IConsumer<MoneyTransferredIn>
{
    public Task Consume(ConsumeContext<AccountOpened> context) =>
        views.ApplyAsync<CustomerAccount>(context, context.Message.AccountId, (_, version) =>
            new CustomerAccount(context.Message.AccountId, context.Message.CustomerId, context.Message.Currency, 0m) { Version = version });

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
        views.ApplyAsync<CustomerAccount>(context, accountId, (current, version) =>
            (current ?? new CustomerAccount(accountId, Guid.Empty, currency, balance)) with { Balance = balance, Version = version });
}
