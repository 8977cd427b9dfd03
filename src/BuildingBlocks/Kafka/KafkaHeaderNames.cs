namespace Bank.BuildingBlocks.Kafka;

/// <summary>Headers of every broadcast message: the integration contract for consumers of the topics.</summary>
public static class KafkaHeaderNames
{
    public const string MessageType = "message-type";
    public const string EventId = "event-id";
    public const string StreamVersion = "stream-version";
    public const string GlobalPosition = "global-position";
    public const string Timestamp = "timestamp";
    public const string ContentType = "content-type";
    public const string TraceParent = "traceparent";
}
