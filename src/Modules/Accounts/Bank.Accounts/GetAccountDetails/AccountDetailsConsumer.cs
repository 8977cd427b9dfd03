using Bank.Accounts.Contracts;
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

    public Task Consume(ConsumeContext<MoneyDeposited> context) => SetBalance(context, context.Message);

    public Task Consume(ConsumeContext<MoneyWithdrawn> context) => SetBalance(context, context.Message);

    public Task Consume(ConsumeContext<MoneyTransferredOut> context) => SetBalance(context, context.Message);

    public Task Consume(ConsumeContext<MoneyTransferredIn> context) => SetBalance(context, context.Message);

    // Events carry the balance after them, so the newest event alone tells the balance.
    private Task SetBalance(ConsumeContext context, IMoneyMovement movement) =>
        views.ApplyAsync<AccountDetails>(context, movement.AccountId, (current, version) =>
            (current ?? new AccountDetails(movement.AccountId, Guid.Empty, movement.Currency, movement.Balance)) with
            {
                Balance = movement.Balance,
                Version = version,
            });
}
