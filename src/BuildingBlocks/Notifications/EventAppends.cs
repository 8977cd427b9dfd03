namespace Bank.BuildingBlocks.Notifications;

/// <summary>
/// The channel that says events were appended, or reached Kafka long after their append: it wakes the relay,
/// whichever instance runs it, and consumer group members that stopped fetching while idle.
/// </summary>
public static class EventAppends
{
    public const string Channel = "bank_events_appended";
}
