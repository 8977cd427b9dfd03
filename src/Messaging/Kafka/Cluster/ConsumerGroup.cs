using Bank.Messaging.Dispatch;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>
/// One module's consumer group: the topics of the events its consumers handle, and for each topic the event types of it
/// that the module consumes.
/// </summary>
internal sealed record ConsumerGroup(
    string Module, string Group, ModuleEventHandler Handler, IReadOnlyList<string> Topics, IReadOnlyDictionary<string, Type[]> EventTypesByTopic);
