namespace Bank.Messaging;

/// <summary>How committed events travel from the event store to the modules' consumers.</summary>
public enum MessagingTransport
{
    /// <summary>Over Kafka, one topic per aggregate type, one consumer group per module.</summary>
    Kafka,

    /// <summary>In memory, one queue per module: no Kafka at all.</summary>
    InMemory,
}
