namespace Bank.BuildingBlocks.Web.Idempotency;

/// <summary>
/// The answer a command gave under an idempotency key (the document's id), with a fingerprint of the request
/// (<see cref="Request"/>) that a repeat must match.
/// </summary>
internal sealed record RecordedAnswer(
    string Id, string Request, int Status, string? ContentType, string? Location, string Body, DateTimeOffset AnsweredAt);
