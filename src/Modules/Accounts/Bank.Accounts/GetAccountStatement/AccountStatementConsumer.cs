using Bank.Accounts.Contracts;
using MassTransit;

namespace Bank.Accounts.GetAccountStatement;

internal sealed class AccountStatementConsumer(QueryModelBatch views)
    : IConsumer<MoneyDeposited>,
        IConsumer<MoneyWithdrawn>,
        IConsumer<MoneyTransferredOut>,
        IConsumer<MoneyTransferredIn>
{
    public Task Consume(ConsumeContext<MoneyDeposited> context) => AddLine(context, StatementLine.Deposit);

    public Task Consume(ConsumeContext<MoneyWithdrawn> context) => AddLine(context, StatementLine.Withdrawal);

    public Task Consume(ConsumeContext<MoneyTransferredOut> context) =>
        AddLine(context, StatementLine.TransferOut, context.Message.TransferId, context.Message.ToAccountId);

    public Task Consume(ConsumeContext<MoneyTransferredIn> context) =>
        AddLine(context, StatementLine.TransferIn, context.Message.TransferId, context.Message.FromAccountId);

    private Task AddLine<TMovement>(ConsumeContext<TMovement> context, string type, Guid? transferId = null, Guid? counterpartyAccountId = null)
        where TMovement : class, IMoneyMovement
    {
        var movement = context.Message;
        return views.AddAsync(context, (metadata, id) => new StatementLine(
            id,
            movement.AccountId,
            type,
            metadata.Timestamp,
            movement.Amount,
            movement.Currency,
            movement.OriginalAmount,
            movement.OriginalCurrency,
            movement.ExchangeRate,
            movement.Balance,
            transferId,
            counterpartyAccountId,
            movement.Reference)
        {
            Version = metadata.StreamVersion,
        });
    }
}
