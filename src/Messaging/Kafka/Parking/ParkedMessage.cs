using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Parking;

/// <summary>
/// A message a consumer group set aside, kept in PostgreSQL with all it needs to be handed to the module again:
/// the first of a key failed (<see cref="Error"/> says why), and the key's later messages wait behind it, in order.
/// </summary>
internal sealed record ParkedMessage(
    string Id,
    string Group,
    string Topic,
    string Key,
    int Partition,
    long Offset,
    string? MessageType,
    Guid? EventId,
    long? StreamVersion,
    Dictionary<string, string> Headers,
    string Value,
    string Error,
    DateTimeOffset ParkedAt)
{
    public static ParkedMessage Of(string group, ConsumeResult<string, byte[]> message, string error, DateTimeOffset parkedAt)
    {
        var headers = (message.Message.Headers ?? [])
            .GroupBy(header => header.Key, StringComparer.Ordinal)
            .ToDictionary(same => same.Key, same => Encoding.UTF8.GetString(same.Last().GetValueBytes()), StringComparer.Ordinal);
        return new ParkedMessage(
            IdOf(group, message.Topic, message.Partition.Value, message.Offset.Value),
            group,
            message.Topic,
            message.Message.Key ?? "",
            message.Partition.Value,
            message.Offset.Value,
            headers.GetValueOrDefault(EventHeaders.MessageType),
            Guid.TryParse(headers.GetValueOrDefault(EventHeaders.EventId), out var eventId) ? eventId : null,
            long.TryParse(headers.GetValueOrDefault(EventHeaders.StreamVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : null,
            headers,
            Convert.ToBase64String(message.Message.Value ?? []),
            error,
            parkedAt);
    }

    /// <summary>One message of a partition is parked at most once, however often it is delivered.</summary>
    public static string IdOf(string group, string topic, int partition, long offset) => $"{group}/{topic}/{partition}/{offset}";

    /// <summary>The message as Kafka delivered it, to be read and handled again.</summary>
    public ConsumeResult<string, byte[]> ToConsumeResult()
    {
        var headers = new Headers();
        foreach (var (name, value) in Headers)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return new ConsumeResult<string, byte[]>
        {
            Topic = Topic,
            Partition = new Partition(Partition),
            Offset = new Offset(Offset),
            Message = new Message<string, byte[]> { Key = Key, Value = Convert.FromBase64String(Value), Headers = headers },
        };
    }
}
