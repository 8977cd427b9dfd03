namespace Bank.BuildingBlocks.Consumers;

/// <summary>One consumer class of one module, and the event types it consumes.</summary>
public sealed record ModuleConsumer(string Module, Type ConsumerType, IReadOnlyList<Type> MessageTypes);
