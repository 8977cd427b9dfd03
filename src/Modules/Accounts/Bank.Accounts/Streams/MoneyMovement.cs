using System.Text.Json.Serialization;
using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Streams;

/// <summary>The body of a request that moves money on one account: a deposit or a withdrawal.</summary>
internal sealed record MoneyMovementRequest([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount, string? Currency, string? Reference);

/// <summary>The answer to a money movement: the account's balance after it, and the version of the account it made.</summary>
internal sealed record BalanceAfterMovement(Guid AccountId, decimal Balance, long Version);

/// <summary>
/// What a request that moves money on one account binds to (<c>[AsParameters]</c>): the account id from the route, the
/// body, and what the command path needs. Deposits and withdrawals differ only in their decision.
/// </summary>
internal sealed record MoneyMovement(
    string Id, MoneyMovementRequest Request, IdempotencyKey IdempotencyKey, Caller Caller, ExchangeRates Rates, CommandPath Commands);
