namespace Bank.Messaging.Events;

/// <summary>
/// What a Kafka message turned out to be: an event; unreadable (and why); or of a type this bank does not know
/// (<see cref="UnknownType"/>), which a consumer passes over.
/// </summary>
internal readonly record struct ReadMessage(ReceivedEvent? Event, string? Problem, string? UnknownType = null);
