namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>One module's events: the aggregate type that emits them and their stable names.</summary>
public sealed record EventTypeRegistration(string AggregateType, IReadOnlyDictionary<Type, string> EventTypeNames);
