namespace Bank.Messaging.Events;

/// <summary>What a Kafka message turned out to be: an event, or unreadable (and why).</summary>
internal readonly record struct ReadMessage(ReceivedEvent? Event, string? Problem);
