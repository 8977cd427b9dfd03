using Bank.BuildingBlocks.Consumers;

namespace Bank.Messaging.Events;

/// <summary>
/// An event as a module receives it, whatever carried it: its type, its JSON and its metadata, read
/// once on arrival. <see cref="Source"/> says where in Kafka it came from, when it did; <see cref="TraceParent"/>
/// continues the trace of the command that appended it.
/// </summary>
internal sealed record ReceivedEvent(RegisteredEventType Type, byte[] Json, EventMetadata Metadata, MessageSource? Source, string? TraceParent)
{
    public Guid StreamId => Metadata.StreamId;

    public static ReceivedEvent From(BroadcastEvent e) =>
        new(e.Type, e.ToJson(), new EventMetadata(e.EventId, e.StreamId, e.StreamVersion, e.GlobalPosition, e.Timestamp), Source: null, e.TraceParent);
}
