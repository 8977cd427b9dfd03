using System.Text;
using Bank.Messaging.Events;
using Confluent.Kafka;

namespace Bank.Testing;

/// <summary>A message read back from a topic, with its headers decoded.</summary>
public sealed record TopicMessage(string Topic, int Partition, long Offset, string Key, string Value, IReadOnlyDictionary<string, string> Headers);

/// <summary>Reads topics from the beginning, without a consumer group, as an outside observer would.</summary>
public static class TopicReader
{
    /// <summary>Reads until at least <paramref name="expected"/> messages arrived (then a short quiet period), or the timeout.</summary>
    public static Task<IReadOnlyList<TopicMessage>> ReadAsync(
        string bootstrapServers, string topic, int expected, TimeSpan? timeout = null, TimeSpan? quiet = null) =>
        ReadUntilAsync(bootstrapServers, topic, messages => messages.Count >= expected, timeout, quiet);

    /// <summary>
    /// Reads until at least <paramref name="expected"/> different events arrived (by their event-id header), or the
    /// timeout: for topics where at-least-once delivery may have written some events twice.
    /// </summary>
    public static Task<IReadOnlyList<TopicMessage>> ReadEventsAsync(string bootstrapServers, string topic, long expected, TimeSpan? timeout = null) =>
        ReadUntilAsync(bootstrapServers, topic, messages => DistinctEvents(messages) >= expected, timeout, quiet: null);

    public static long DistinctEvents(IEnumerable<TopicMessage> messages) =>
        messages.Select(m => m.Headers.GetValueOrDefault(EventHeaders.EventId)).Distinct().LongCount();

    private static async Task<IReadOnlyList<TopicMessage>> ReadUntilAsync(
        string bootstrapServers, string topic, Func<IReadOnlyList<TopicMessage>, bool> enough, TimeSpan? timeout, TimeSpan? quiet)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-observer-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        }).SetLogHandler((_, _) => { }).Build();

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        consumer.Assign(partitions);

        var messages = new List<TopicMessage>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var quietUntil = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow < quietUntil)
        {
            var result = await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(100)));
            if (result is null)
            {
                continue;
            }

            messages.Add(new TopicMessage(
                result.Topic,
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Key,
                result.Message.Value,
                result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()))));
            if (quietUntil == DateTime.MaxValue && enough(messages))
            {
                quietUntil = DateTime.UtcNow + (quiet ?? TimeSpan.FromMilliseconds(500));
            }
        }

        return messages;
    }
}
