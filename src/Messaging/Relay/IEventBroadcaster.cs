using Bank.Messaging.Events;

namespace Bank.Messaging.Relay;

/// <summary>Publishes pages of committed events to the modules (over Kafka, or in memory).</summary>
internal interface IEventBroadcaster
{
    /// <summary>Returns once every event of the page is acknowledged by the transport; throws if any is not.</summary>
    Task PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken);
}
