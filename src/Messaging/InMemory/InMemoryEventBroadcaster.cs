using System.Threading.Channels;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Relay;

namespace Bank.Messaging.InMemory;

/// <summary>
/// Hands committed events to every module in memory, as a consumer group per module would receive them
/// from Kafka: one queue per module, read by that module's <see cref="InMemoryModuleConsumer"/>. The whole
/// host runs without Kafka; what is queued is gone when it stops.
/// </summary>
internal sealed class InMemoryEventBroadcaster(ModuleEventHandlers handlers) : IEventBroadcaster
{
    private readonly Dictionary<string, Channel<ReceivedEvent>> _queues = handlers.Modules.ToDictionary(
        module => module,
        _ => Channel.CreateUnbounded<ReceivedEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }),
        StringComparer.Ordinal);

    public ChannelReader<ReceivedEvent> QueueOf(string module) => _queues[module].Reader;

    public Task<IReadOnlyCollection<object>> PublishAsync(IReadOnlyList<BroadcastEvent> page, CancellationToken cancellationToken)
    {
        foreach (var e in page)
        {
            var received = ReceivedEvent.From(e);
            foreach (var (module, queue) in _queues)
            {
                if (handlers.Get(module).Consumes(e.Type.ClrType))
                {
                    queue.Writer.TryWrite(received);
                }
            }
        }

        return Task.FromResult<IReadOnlyCollection<object>>([]);
    }
}
