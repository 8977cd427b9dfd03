namespace Bank.BuildingBlocks.EventSourcing;

public sealed record RegisteredEventType(Type ClrType, string Name, string AggregateType);
