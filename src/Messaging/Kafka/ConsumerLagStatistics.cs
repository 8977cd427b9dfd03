using System.Globalization;
using System.Text.Json;

namespace Bank.Messaging.Kafka;

/// <summary>Reads each partition's consumer lag from librdkafka's statistics (JSON, emitted every <c>statistics.interval.ms</c>).</summary>
internal static class ConsumerLagStatistics
{
    public static Dictionary<(string Topic, int Partition), long> Read(string statistics)
    {
        var lags = new Dictionary<(string Topic, int Partition), long>();
        using var document = JsonDocument.Parse(statistics);
        if (!document.RootElement.TryGetProperty("topics", out var topics))
        {
            return lags;
        }

        foreach (var topic in topics.EnumerateObject())
        {
            foreach (var partition in topic.Value.GetProperty("partitions").EnumerateObject())
            {
                // Partition -1 is librdkafka's internal "unassigned" queue; a lag of -1 means not known yet.
                if (int.TryParse(partition.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    && partition.Value.TryGetProperty("consumer_lag", out var lag) && lag.GetInt64() >= 0)
                {
                    lags[(topic.Name, id)] = lag.GetInt64();
                }
            }
        }

        return lags;
    }
}
