using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.QueryModels;
using MassTransit;

namespace Bank.Accounts.GetAccountStatement;

internal sealed class AccountStatementConsumer(QueryModelBatch views)
    : IConsumer<MoneyDeposited>,
        IConsumer<MoneyWithdrawn>,
        IConsumer<MoneyTransferredOut>,
        IConsumer<MoneyTransferredIn>
{
    public Task Consume(ConsumeContext<MoneyDeposited> context)
    {
        var e = context.Message;
        views.Add(context, (metadata, id) => new StatementLine(
            id, e.AccountId, StatementLine.Deposit, metadata.Timestamp, e.Amount, e.Currency,
            e.OriginalAmount, e.OriginalCurrency, e.ExchangeRate, e.Balance, TransferId: null, CounterpartyAccountId: null)
        {
            Version = metadata.StreamVersion,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MoneyWithdrawn> context)
    {
        var e = context.Message;
        views.Add(context, (metadata, id) => new StatementLine(
            id, e.AccountId, StatementLine.Withdrawal, metadata.Timestamp, e.Amount, e.Currency,
            e.OriginalAmount, e.OriginalCurrency, e.ExchangeRate, e.Balance, TransferId: null, CounterpartyAccountId: null)
        {
            Version = metadata.StreamVersion,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MoneyTransferredOut> context)
    {
        var e = context.Message;
        views.Add(context, (metadata, id) => new StatementLine(
            id, e.AccountId, StatementLine.TransferOut, metadata.Timestamp, e.Amount, e.Currency,
            e.OriginalAmount, e.OriginalCurrency, e.ExchangeRate, e.Balance, e.TransferId, e.ToAccountId)
        {
            Version = metadata.StreamVersion,
        });
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MoneyTransferredIn> context)
    {
        var e = context.Message;
        views.Add(context, (metadata, id) => new StatementLine(
            id, e.AccountId, StatementLine.TransferIn, metadata.Timestamp, e.Amount, e.Currency,
            e.OriginalAmount, e.OriginalCurrency, e.ExchangeRate, e.Balance, e.TransferId, e.FromAccountId)
        {
            Version = metadata.StreamVersion,
        });
        return Task.CompletedTask;
    }
}
