using Bank.Messaging.Dispatch;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>The consumer group of every module of the host, whether or not this instance consumes.</summary>
internal sealed class ConsumerGroups
{
    private readonly ModuleEventHandlers _handlers;
    private readonly EventTypeRegistry _eventTypes;
    private readonly KafkaOptions _options;
    private readonly Lazy<IReadOnlyList<ConsumerGroup>> _all;

    public ConsumerGroups(ModuleEventHandlers handlers, EventTypeRegistry eventTypes, IOptions<KafkaOptions> options)
    {
        _handlers = handlers;
        _eventTypes = eventTypes;
        _options = options.Value;
        _all = new(() => _handlers.Modules.Select(GroupOf).ToList());
    }

    public IReadOnlyList<ConsumerGroup> All => _all.Value;

    public ConsumerGroup Of(string module) => All.Single(g => g.Module == module);

    private ConsumerGroup GroupOf(string module)
    {
        var handler = _handlers.Get(module);
        var typesByTopic = handler.EventTypes
            .GroupBy(type => _options.TopicFor(_eventTypes.Get(type).AggregateType))
            .ToList();
        return new ConsumerGroup(
            module,
            _options.GroupOf(module),
            handler,
            typesByTopic.Select(topic => topic.Key).ToList(),
            typesByTopic.ToDictionary(topic => topic.Key, topic => topic.ToArray()));
    }
}
