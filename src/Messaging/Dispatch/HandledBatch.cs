namespace Bank.Messaging.Dispatch;

/// <summary>What became of a batch: the events finished, and those whose consumers still failed after their retries.</summary>
internal sealed record HandledBatch(IReadOnlyList<ReceivedEvent> Finished, IReadOnlyList<FailedEvent> Failed);
