using Bank.Messaging.Dispatch;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// One member of a module's consumer group, as its parts know it: the group, the one topic it reads, the module its
/// events go to with the event types of that topic the module consumes, and where it logs.
/// </summary>
internal sealed record GroupMember(string Group, string Topic, ModuleEventHandler Module, Type[] EventTypesOfTopic, ILogger Logger);
