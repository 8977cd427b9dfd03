using System.Globalization;

namespace Bank.Messaging.Events;

/// <summary>The headers of every broadcast event: the integration contract for consumers of the topics.</summary>
public static class EventHeaders
{
    public const string MessageType = "message-type";
    public const string EventVersion = "event-version";
    public const string EventId = "event-id";
    public const string StreamVersion = "stream-version";
    public const string GlobalPosition = "global-position";
    public const string Timestamp = "timestamp";
    public const string ContentType = "content-type";
    public const string TraceParent = EventTraceContext.HeaderName;

    /// <summary>The headers an event is broadcast with.</summary>
    internal static IEnumerable<(string Name, string Value)> Of(BroadcastEvent e)
    {
        yield return (MessageType, e.Type.Name);
        yield return (EventVersion, e.Type.Version.ToString(CultureInfo.InvariantCulture));
        yield return (EventId, e.EventId.ToString("D"));
        yield return (StreamVersion, e.StreamVersion.ToString(CultureInfo.InvariantCulture));
        yield return (GlobalPosition, e.GlobalPosition.ToString(CultureInfo.InvariantCulture));
        yield return (Timestamp, e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        yield return (ContentType, "application/json");
        if (e.TraceParent is not null)
        {
            yield return (TraceParent, e.TraceParent);
        }
    }
}
