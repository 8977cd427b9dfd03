using Bank.Messaging.Kafka.Parking;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// How a member handles what it fetched: batch by batch (<see cref="KafkaBatchHandler"/>), each message checked against
/// the event store and handed to the module (<see cref="BatchAttempt"/>), or parked with its key (<see cref="ParkedKeys"/>).
/// </summary>
internal sealed class MemberHandling(
    EventTypeRegistry eventTypes, EventStoreCheck storeCheck, ParkedMessages parked, DeadLetterPublisher deadLetters, TimeProvider time, MessagingMetrics metrics)
{
    public KafkaBatchHandler BatchesOf(GroupMember member, PartitionProgress progress, PartitionCatchUp catchUp, PartitionOwnership ownership)
    {
        var parkedKeys = new ParkedKeys(member, parked, deadLetters, time);
        var attempt = new BatchAttempt(member, eventTypes, storeCheck, parkedKeys, metrics);
        return new KafkaBatchHandler(attempt, parkedKeys, progress, catchUp, ownership);
    }
}
