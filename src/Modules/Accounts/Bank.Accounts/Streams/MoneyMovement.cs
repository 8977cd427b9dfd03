using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.Accounts.Streams;

/// <summary>What a command that moves money on one account was given: the binding its endpoint made of the request.</summary>
internal sealed record MoneyMovement(
    string AccountId, decimal? Amount, string? Currency, string? Reference, object Request, IdempotencyKey IdempotencyKey, Caller Caller);
