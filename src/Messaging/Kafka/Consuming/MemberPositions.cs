using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Where a member stands in each partition, kept with the event store: what it finished (<see cref="PartitionProgress"/>)
/// and what Kafka skipped that the store still holds (<see cref="PartitionCatchUp"/>).
/// </summary>
internal sealed class MemberPositions(
    EventTypeRegistry eventTypes, KafkaCluster cluster, IDocumentStore store, ConsumerGroupState groupState, MessagingMetrics metrics)
{
    public PartitionProgress ProgressOf(IConsumer<string, byte[]> consumer, GroupMember member) => new(consumer, member, store);

    public PartitionCatchUp CatchUpOf(IConsumer<string, byte[]> consumer, GroupMember member, PartitionProgress progress) =>
        new(consumer, member, new CatchUpFromStore(member, eventTypes, cluster, store, progress, groupState, metrics));
}
