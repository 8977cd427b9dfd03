using System.Text.Json.Nodes;

namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// One module's events: the aggregate type that emits them, their stable names, and, for each event whose wire form
/// changed, its upcasts: the first reads a v1 event's JSON as v2, the next v2 as v3, and so on. The code writes the
/// version after the last one, so that a version past the first cannot exist without a way to read the one before it.
/// </summary>
public sealed record EventTypeRegistration(
    string AggregateType,
    IReadOnlyDictionary<Type, string> EventTypeNames,
    IReadOnlyDictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>>? Upcasts = null);
