using JasperFx.Events.Projections;

namespace Bank.Messaging.Events;

/// <summary>
/// How far the relay has sent the event store to the broker, as Marten's daemon records it for the relay's
/// subscription: read by the relay itself and by whatever must know what Kafka may already hold.
/// </summary>
internal static class RelayProgress
{
    public const string SubscriptionName = "EventRelay";

    /// <summary>The relay's one shard, as the daemon names its agent and its progress row.</summary>
    public static readonly ShardName Shard = new(SubscriptionName, ShardName.All, 1, null);

    /// <summary>The global position of the last event the relay has sent (0 before the first).</summary>
    public static Task<long> ReadAsync(IDocumentStore store, CancellationToken cancellationToken) =>
        store.Advanced.ProjectionProgressFor(Shard, token: cancellationToken);
}
