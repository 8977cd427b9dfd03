namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// An event type of the bank: its contract record, stable name, the aggregate type whose streams hold it, and the
/// version of its wire form that the code writes (every event type is at its first version so far).
/// </summary>
public sealed record RegisteredEventType(Type ClrType, string Name, string AggregateType, int Version = 1);
