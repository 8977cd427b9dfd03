namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// One module's events: the aggregate type that emits them, their stable names, and the version of each one's wire form
/// that the code writes, where it is past the first.
/// </summary>
public sealed record EventTypeRegistration(
    string AggregateType, IReadOnlyDictionary<Type, string> EventTypeNames, IReadOnlyDictionary<Type, int>? Versions = null);
