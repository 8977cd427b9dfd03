using Bank.Messaging.Dispatch;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>The consumer group of every module of the host, whether or not this instance consumes.</summary>
internal sealed class ConsumerGroups(ModuleEventHandlers handlers, EventTypeRegistry eventTypes, IOptions<KafkaOptions> options)
{
    private readonly Lazy<IReadOnlyList<ConsumerGroup>> _all = new(() => handlers.Modules
        .Select(module => new ConsumerGroup(
            module,
            options.Value.GroupOf(module),
            handlers.Get(module).EventTypes.Select(t => options.Value.TopicFor(eventTypes.Get(t).AggregateType)).Distinct().ToList()))
        .ToList());

    public IReadOnlyList<ConsumerGroup> All => _all.Value;

    public ConsumerGroup Of(string module) => All.Single(g => g.Module == module);
}
