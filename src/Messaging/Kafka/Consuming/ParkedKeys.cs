using System.Globalization;
using System.Text;
using Bank.Messaging.Kafka.Parking;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// The keys of a member's topic parked in its group, as far as the member knows, and the parking of messages: a
/// message is stored in PostgreSQL (<see cref="ParkedMessages"/>) and copied to <c>{topic}.dlt</c>. Touched by the
/// batch loop only.
/// </summary>
internal sealed class ParkedKeys(GroupMember member, ParkedMessages parked, DeadLetterPublisher deadLetters, TimeProvider time)
{
    // Each parked key with the lowest stream version parked (null: unknown, every later message waits). Read again
    // whenever the member gets partitions, since another instance may have parked keys of them.
    private Dictionary<string, long?> _keys = [];
    private volatile bool _unknown = true;

    /// <summary>Called when the member gets partitions, or after a failed attempt: the keys are read again before the next.</summary>
    public void Forget() => _unknown = true;

    public async Task RefreshAsync(CancellationToken stoppingToken)
    {
        if (_unknown)
        {
            _unknown = false;
            _keys = await parked.KeysAsync(member.Group, member.Topic, stoppingToken);
        }
    }

    /// <summary>Whether the message must wait behind a parked event of its key (not one delivered again from before it).</summary>
    public bool Holds(ConsumeResult<string, byte[]> message) =>
        _keys.TryGetValue(message.Message.Key ?? "", out var firstParked) && !Precedes(message, firstParked);

    /// <summary>
    /// Parks the message (stores it, then copies it to the dead-letter topic): the first of its key with
    /// <paramref name="behindParked"/> false, or one more behind a parked key, while that key is still parked.
    /// </summary>
    public async Task<ParkingOutcome> ParkAsync(
        ConsumeResult<string, byte[]> message, Exception error, bool behindParked, CancellationToken stoppingToken)
    {
        var key = message.Message.Key ?? "";
        var reason = $"{error.GetType().Name}: {error.Message}";
        var parkedMessage = ParkedMessage.Of(member.Group, message, reason, time.GetUtcNow());
        if (!await parked.ParkAsync(parkedMessage, behindParked, stoppingToken))
        {
            // An operator re-drove or discarded what was parked: the key flows again, from this message on.
            _keys.Remove(key);
            return ParkingOutcome.KeyNoLongerParked;
        }

        var version = parkedMessage.StreamVersion;
        if (!_keys.TryGetValue(key, out var firstParked))
        {
            _keys[key] = version;
        }
        else if (firstParked is { } known && (version is null || version < known))
        {
            _keys[key] = version;
        }
        if (!await deadLetters.TryPublishAsync(message, member.Group, error, stoppingToken))
        {
            return ParkingOutcome.Failed;
        }

        if (behindParked)
        {
            member.Logger.LogWarning(
                "Consumer group {Group} parks {Topic}[{Partition}]@{Offset} behind the parked key {Key}",
                member.Group,
                message.Topic,
                message.Partition.Value,
                message.Offset.Value,
                key);
        }
        else
        {
            member.Logger.LogError(
                "Consumer group {Group} parks key {Key} of {Topic} at partition {Partition} offset {Offset}: {Reason}. Its later " +
                "messages wait; see 'dead-letters'",
                member.Group,
                key,
                message.Topic,
                message.Partition.Value,
                message.Offset.Value,
                reason);
        }

        return ParkingOutcome.Parked;
    }

    /// <summary>
    /// Whether the message carries an event older than the first parked one of its key: one delivered again from before
    /// the park (offsets not committed when a member stopped, say). It is handled as before, changing nothing, rather
    /// than parked behind an event it precedes.
    /// </summary>
    private static bool Precedes(ConsumeResult<string, byte[]> message, long? firstParked) =>
        firstParked is { } first &&
        message.Message.Headers?.TryGetLastBytes(EventHeaders.StreamVersion, out var bytes) == true &&
        long.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var version) &&
        version < first;

}
