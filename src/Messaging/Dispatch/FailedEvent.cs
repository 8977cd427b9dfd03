namespace Bank.Messaging.Dispatch;

/// <summary>An event whose consumers still failed after their retries, with what the failing one threw.</summary>
internal sealed record FailedEvent(ReceivedEvent Event, Exception Error);
