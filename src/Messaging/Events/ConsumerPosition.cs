namespace Bank.Messaging.Events;

/// <summary>
/// The global position of the last event a consumer group finished on one partition. Kept in
/// PostgreSQL so that a broker that lost its contents can be refilled from the lowest of them.
/// </summary>
internal sealed record ConsumerPosition(string Id, string Group, string Topic, int Partition, long GlobalPosition)
{
    public static string IdOf(string group, string topic, int partition) => $"{group}/{topic}/{partition}";
}
