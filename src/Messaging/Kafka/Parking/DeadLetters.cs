using Bank.Messaging.Dispatch;
using Bank.Messaging.Kafka.Cluster;

namespace Bank.Messaging.Kafka.Parking;

/// <summary>
/// The operator's view of parked keys (<c>Bank.Host dead-letters</c>): list them, re-drive their messages in order
/// through the same consumers, or discard messages judged wrong. Safe while hosts run: each key is worked on under
/// the lock its consumers take to park a message.
/// </summary>
public sealed class DeadLetters
{
    private readonly ParkedMessages _parked;
    private readonly EventStoreCheck _storeCheck;
    private readonly ModuleEventHandlers _handlers;
    private readonly EventTypeRegistry _eventTypes;
    private readonly KafkaOptions _options;
    private readonly ILogger<DeadLetters> _logger;

    internal DeadLetters(
        ParkedMessages parked,
        EventStoreCheck storeCheck,
        ModuleEventHandlers handlers,
        EventTypeRegistry eventTypes,
        IOptions<KafkaOptions> options,
        ILogger<DeadLetters> logger)
    {
        _parked = parked;
        _storeCheck = storeCheck;
        _handlers = handlers;
        _eventTypes = eventTypes;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The consumer groups whose keys can be parked.</summary>
    public IReadOnlyList<string> Groups => _handlers.Modules.Select(_options.GroupOf).ToList();

    public Task<IReadOnlyList<ParkedKey>> ListAsync(CancellationToken cancellationToken) => _parked.KeysOfAllAsync(cancellationToken);

    /// <summary>
    /// Hands each parked message of the matching keys, in order, to its group's module again. A key whose messages all
    /// succeed is no longer parked; one stops at its first failure and stays parked from there.
    /// </summary>
    public async Task<IReadOnlyList<ReplayedKey>> ReplayAsync(string? group, string? key, CancellationToken cancellationToken)
    {
        var results = new List<ReplayedKey>();
        foreach (var parked in await MatchingAsync(group, key, cancellationToken))
        {
            await using var held = await _parked.HoldKeyAsync(parked.Group, parked.Topic, parked.Key, cancellationToken);
            var messages = await _parked.OfKeyAsync(parked.Group, parked.Topic, parked.Key, cancellationToken);
            var handled = 0;
            string? error = null;
            foreach (var message in messages)
            {
                error = await HandleAsync(message, cancellationToken);
                if (error is not null)
                {
                    await _parked.SaveAsync(message with { Error = error }, cancellationToken);
                    break;
                }

                await _parked.DeleteAsync([message.Id], cancellationToken);
                handled++;
            }

            _logger.LogInformation(
                "Re-drove {Handled} parked message(s) of key {Key} of {Topic} in consumer group {Group}; {Left} still parked",
                handled,
                parked.Key,
                parked.Topic,
                parked.Group,
                messages.Count - handled);
            results.Add(new ReplayedKey(parked.Group, parked.Topic, parked.Key, handled, messages.Count - handled, error));
        }

        return results;
    }

    /// <summary>
    /// Drops the first parked message of <paramref name="key"/> with <paramref name="eventId"/>, or all the key's parked
    /// messages; returns what was dropped. The rest stays parked until a replay. Only the first: a forged message may carry
    /// the id of a real event that is parked behind it.
    /// </summary>
    public async Task<IReadOnlyList<ParkedKey>> DiscardAsync(string? group, string key, Guid? eventId, CancellationToken cancellationToken)
    {
        var dropped = new List<ParkedKey>();
        foreach (var parked in await MatchingAsync(group, key, cancellationToken))
        {
            await using var held = await _parked.HoldKeyAsync(parked.Group, parked.Topic, parked.Key, cancellationToken);
            var messages = (await _parked.OfKeyAsync(parked.Group, parked.Topic, parked.Key, cancellationToken))
                .Where(m => eventId is null || m.EventId == eventId)
                .Take(eventId is null ? int.MaxValue : 1)
                .ToList();
            await _parked.DeleteAsync(messages.Select(m => m.Id), cancellationToken);
            foreach (var message in messages)
            {
                _logger.LogWarning(
                    "Discarded the parked message {Topic}[{Partition}]@{Offset} of key {Key} in consumer group {Group}: {Type} event {EventId} at version {Version}, parked for: {Error}",
                    message.Topic,
                    message.Partition,
                    message.Offset,
                    message.Key,
                    message.Group,
                    message.MessageType,
                    message.EventId,
                    message.StreamVersion,
                    message.Error);
                dropped.Add(new ParkedKey(message.Group, message.Topic, message.Key, 1, message.StreamVersion, message.EventId, message.Error, message.ParkedAt));
            }
        }

        return dropped;
    }

    private async Task<IEnumerable<ParkedKey>> MatchingAsync(string? group, string? key, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).Where(k => (group is null || k.Group == group) && (key is null || k.Key == key));

    /// <summary>Null once the message is handled (or is of a type its module does not consume); otherwise why not.</summary>
    private async Task<string?> HandleAsync(ParkedMessage message, CancellationToken cancellationToken)
    {
        var module = _handlers.Modules.FirstOrDefault(m => _options.GroupOf(m) == message.Group);
        if (module is null)
        {
            return $"No module consumes in consumer group '{message.Group}'.";
        }

        var read = KafkaEventReader.Read(message.ToConsumeResult(), _eventTypes);
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var handler = _handlers.Get(module);
        if (read.Event is not { } received || !handler.Consumes(received.Type.ClrType))
        {
            return null;
        }

        var (e, notStored) = (await _storeCheck.CheckAsync([received], cancellationToken))[0];
        if (notStored is not null)
        {
            return notStored;
        }

        var handled = await handler.HandleAsync([e], cancellationToken);
        return handled.Failed is [var failed, ..] ? failed.Error.Message : null;
    }
}
