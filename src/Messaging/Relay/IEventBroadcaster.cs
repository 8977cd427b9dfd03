namespace Bank.Messaging.Relay;

/// <summary>Publishes pages of committed events to the modules (over Kafka, or in memory).</summary>
internal interface IEventBroadcaster
{
    /// <summary>
    /// Returns once every event of the page is acknowledged by the transport; throws if any is not. Returns the documents the
    /// transport keeps with the relay's progress, committed in the same transaction (where each partition's last event went).
    /// </summary>
    Task<IReadOnlyCollection<object>> PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken);
}
