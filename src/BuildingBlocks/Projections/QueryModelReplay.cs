using System.Text.Json;
using Bank.BuildingBlocks.Broadcasting;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Messaging;
using Marten;

namespace Bank.BuildingBlocks.Projections;

/// <summary>
/// Feeds stored events to a module's consumers, the same classes that consume them from Kafka, as the
/// relay would have broadcast them: how query models are rebuilt, and recomputed for verification.
/// </summary>
public sealed class QueryModelReplay(IDocumentStore store, EventTypeRegistry eventTypes, ModuleConsumerRegistry modules, ModuleDispatchers dispatchers)
{
    private const int PageSize = 1000;

    public IReadOnlyList<string> Modules => modules.Modules;

    /// <summary>The query-model document types of a module: its <see cref="IVersionedView"/> implementations.</summary>
    public IReadOnlyList<Type> ViewTypesOf(string module) =>
        modules.ConsumersOf(module)
            .Select(c => c.ConsumerType.Assembly)
            .Distinct()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IVersionedView).IsAssignableFrom(type))
            .ToList();

    public async Task ClearAsync(string module, CancellationToken cancellationToken)
    {
        foreach (var viewType in ViewTypesOf(module))
        {
            await store.Advanced.Clean.DeleteDocumentsByTypeAsync(viewType, cancellationToken);
        }
    }

    /// <summary>The position of the last event in <paramref name="source"/>.</summary>
    public static async Task<long> LastPositionAsync(IDocumentStore source, CancellationToken cancellationToken)
    {
        var statistics = await source.Advanced.FetchEventStoreStatistics(token: cancellationToken);
        return statistics.EventSequenceNumber;
    }

    /// <summary>Replays the events of <paramref name="source"/> up to <paramref name="upTo"/> into the module's consumers; returns how many they handled.</summary>
    public async Task<long> ReplayAsync(
        string module, IDocumentStore source, long upTo, IProgress<(long Position, long Last)>? progress, CancellationToken cancellationToken)
    {
        var dispatcher = dispatchers.Get(module);
        await using var session = source.QuerySession();
        long after = 0;
        long handled = 0;
        while (after < upTo)
        {
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after && e.Sequence <= upTo)
                .OrderBy(e => e.Sequence)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            await using var batch = dispatcher.BeginBatch(page.Select(e => e.StreamId));
            foreach (var stored in page)
            {
                if (stored.ToBroadcast(eventTypes) is not { } e || !dispatcher.Consumes(e.Type.ClrType))
                {
                    continue;
                }

                var json = JsonSerializer.SerializeToUtf8Bytes(e.Data, e.Type.ClrType, JsonSerializerOptions.Web);
                var headers = e.Headers().ToDictionary(h => h.Key, h => (object)h.Value);
                await batch.DispatchAsync(e.Type.ClrType, json, headers, e.EventId, null, cancellationToken);
                handled++;
            }

            await batch.SaveAsync(cancellationToken);
            after = page[^1].Sequence;
            progress?.Report((after, upTo));
        }

        return handled;
    }
}
