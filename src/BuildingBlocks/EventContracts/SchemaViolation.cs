namespace Bank.BuildingBlocks.EventContracts;

/// <summary>A change to an event's wire form that a reader of an earlier version could not follow.</summary>
public sealed record SchemaViolation(string EventType, int Version, string Field, string Rule)
{
    public override string ToString() => $"{EventType} v{Version}: field '{Field}': {Rule}";
}
