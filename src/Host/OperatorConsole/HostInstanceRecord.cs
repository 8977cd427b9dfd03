namespace Bank.Host.OperatorConsole;

/// <summary>
/// One running instance as it last said it was: its version, since when it runs, whether it holds the relay, whether
/// it consumes, and which partitions (<c>group/topic/partition</c>) its consumer group members hold.
/// </summary>
internal sealed record HostInstanceRecord(
    string Id, string Version, DateTimeOffset StartedAt, DateTimeOffset LastSeen, bool Relays, bool Consumes, List<string> Partitions)
{
    public static string PartitionOf(string group, string topic, int partition) => $"{group}/{topic}/{partition}";
}
