using System.IO.Hashing;
using System.Text;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>
/// Which partition of a topic holds a key's messages: librdkafka's <c>consistent_random</c> partitioner, the CRC-32 of
/// the key modulo the partition count. The relay's producer is pinned to it, so that what a partition should hold can
/// be told from the event store alone (what a consumer group catches up, what a refill sends again).
/// </summary>
internal static class KeyPartitions
{
    public static int PartitionOf(string key, int partitionCount) =>
        (int)(Crc32.HashToUInt32(Encoding.UTF8.GetBytes(key)) % (uint)partitionCount);
}
