using System.Globalization;
using System.Text;
using Bank.BuildingBlocks.Consumers;
using Confluent.Kafka;

namespace Bank.Messaging.Events;

/// <summary>Reads a broadcast event from a Kafka message, its headers parsed once, as the relay wrote them.</summary>
internal static class KafkaEventReader
{
    /// <summary>How the reason for parking an event that cannot be read as the version this bank reads begins.</summary>
    public const string SchemaProblem = "schema";

    public static ReadMessage Read(ConsumeResult<string, byte[]> message, EventTypeRegistry eventTypes)
    {
        var headers = message.Message.Headers;
        if (Header(headers, EventHeaders.MessageType) is not { } typeName)
        {
            return new ReadMessage(null, $"The message has no '{EventHeaders.MessageType}' header.");
        }

        if (!eventTypes.TryGet(typeName, out var type))
        {
            return new ReadMessage(null, null, $"of unknown type '{(typeName.Length <= 64 ? typeName : typeName[..64] + "…")}'");
        }

        // Messages relayed before versions were on the wire are first versions.
        var eventVersion = 1;
        if (Header(headers, EventHeaders.EventVersion) is { } versionHeader
            && (!int.TryParse(versionHeader, NumberStyles.None, CultureInfo.InvariantCulture, out eventVersion) || eventVersion < 1))
        {
            return new ReadMessage(null, $"The message's '{EventHeaders.EventVersion}' header is not a version (a whole number from 1).");
        }

        if (eventVersion > type.Version)
        {
            return new ReadMessage(null, null, $"of {type.Name} v{eventVersion}, newer than the v{type.Version} this bank reads");
        }

        // Exactly as the relay writes it: a key written another way would escape its parked twin.
        if (!Guid.TryParse(message.Message.Key, out var streamId) || message.Message.Key != streamId.ToString("D"))
        {
            return new ReadMessage(null, "The message key is not a stream id (a GUID in D format, lower case).");
        }

        if (!Guid.TryParse(Header(headers, EventHeaders.EventId), out var eventId)
            || !long.TryParse(Header(headers, EventHeaders.StreamVersion), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !long.TryParse(Header(headers, EventHeaders.GlobalPosition), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || !DateTimeOffset.TryParse(Header(headers, EventHeaders.Timestamp), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return new ReadMessage(
                null,
                $"The message lacks a valid '{EventHeaders.EventId}', '{EventHeaders.StreamVersion}', '{EventHeaders.GlobalPosition}' or '{EventHeaders.Timestamp}' header.");
        }

        // Relayed before the bank wrote a newer version: read as the current one, as the store reads its older events.
        var json = message.Message.Value ?? [];
        if (eventVersion < type.Version)
        {
            if (!eventTypes.TryReadAsCurrent(type, eventVersion, Encoding.UTF8.GetString(json), out var current, out var error))
            {
                return new ReadMessage(null, $"{SchemaProblem}: {type.Name} v{eventVersion} cannot be read as v{type.Version}: {error}");
            }

            json = Encoding.UTF8.GetBytes(current);
        }

        var source = new MessageSource(message.Topic, message.Partition.Value, message.Offset.Value, message.Message.Key);
        return new ReadMessage(
            new ReceivedEvent(
                type, json, new EventMetadata(eventId, streamId, version, position, timestamp), source, Header(headers, EventHeaders.TraceParent)),
            null);
    }

    /// <summary>The message's global position, when it carries one.</summary>
    public static long? PositionOf(ConsumeResult<string, byte[]> message) =>
        long.TryParse(Header(message.Message.Headers, EventHeaders.GlobalPosition), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    private static string? Header(Headers? headers, string name) =>
        headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
}
