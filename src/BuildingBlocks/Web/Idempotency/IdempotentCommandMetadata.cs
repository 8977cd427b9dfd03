namespace Bank.BuildingBlocks.Web.Idempotency;

/// <summary>Endpoint metadata: the command accepts an <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotentCommandMetadata;
