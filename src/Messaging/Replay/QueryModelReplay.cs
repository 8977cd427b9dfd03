using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.QueryModels;
using Bank.Messaging.Dispatch;

namespace Bank.Messaging.Replay;

/// <summary>
/// Feeds stored events to a module's consumers, the same classes that consume them from Kafka, through the
/// same event handler and as the relay would have broadcast them: how query models are rebuilt, and
/// recomputed for verification.
/// </summary>
public sealed class QueryModelReplay
{
    private const int PageSize = 1000;

    private readonly EventTypeRegistry _eventTypes;
    private readonly ModuleConsumerRegistry _modules;
    private readonly ModuleEventHandlers _handlers;

    internal QueryModelReplay(EventTypeRegistry eventTypes, ModuleConsumerRegistry modules, ModuleEventHandlers handlers)
    {
        _eventTypes = eventTypes;
        _modules = modules;
        _handlers = handlers;
    }

    public IReadOnlyList<string> Modules => _modules.Modules;

    /// <summary>The query-model document types of a module: its <see cref="IVersionedView"/> implementations.</summary>
    public IReadOnlyList<Type> ViewTypesOf(string module) =>
        _modules.ConsumersOf(module)
            .Select(c => c.ConsumerType.Assembly)
            .Distinct()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IVersionedView).IsAssignableFrom(type))
            .ToList();

    /// <summary>The position of the last event in <paramref name="source"/>.</summary>
    public static async Task<long> LastPositionAsync(IDocumentStore source, CancellationToken cancellationToken)
    {
        var statistics = await source.Advanced.FetchEventStoreStatistics(token: cancellationToken);
        return statistics.EventSequenceNumber;
    }

    /// <summary>
    /// Replays the events of <paramref name="source"/> up to <paramref name="upTo"/> into the module's consumers;
    /// returns how many they handled. Throws when a consumer fails on one: a replay sets nothing aside.
    /// </summary>
    public async Task<long> ReplayAsync(
        string module, IDocumentStore source, long upTo, IProgress<(long Position, long Last)>? progress, CancellationToken cancellationToken)
    {
        var handler = _handlers.Get(module);
        await using var session = source.QuerySession();
        long handled = 0;
        await foreach (var page in StoredEvents.PagesAsync(session, 0, upTo, PageSize, storedNames: null, cancellationToken))
        {
            var events = page
                .Select(stored => BroadcastEvent.From(stored, _eventTypes))
                .OfType<BroadcastEvent>()
                .Where(e => handler.Consumes(e.Type.ClrType))
                .Select(ReceivedEvent.From)
                .ToList();
            if ((await handler.HandleAsync(events, cancellationToken)).Failed is [var (failed, error), ..])
            {
                throw new InvalidOperationException(
                    $"Replaying {failed.Type.Name} of stream {failed.StreamId} at version {failed.Metadata.StreamVersion} failed.", error);
            }

            handled += events.Count;
            progress?.Report((page[^1].Sequence, upTo));
        }

        return handled;
    }
}
