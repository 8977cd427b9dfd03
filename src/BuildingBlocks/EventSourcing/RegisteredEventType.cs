namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>
/// An event type of the bank: its contract record, stable name, the aggregate type whose streams hold it, and the
/// version of its wire form that the code writes.
/// </summary>
public sealed record RegisteredEventType(Type ClrType, string Name, string AggregateType, int Version = 1)
{
    /// <summary>The name the store keeps the events of the version the code writes under.</summary>
    public string StoredName => StoredNameOf(Version);

    /// <summary>
    /// The name the store keeps events of <paramref name="version"/> under: the stable name for the first version, then
    /// <c>Name.v2</c> and so on, so that every stored event says which version it was written as.
    /// </summary>
    public string StoredNameOf(int version) => version == 1 ? Name : $"{Name}.v{version}";
}
