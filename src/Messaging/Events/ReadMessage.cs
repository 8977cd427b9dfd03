namespace Bank.Messaging.Events;

/// <summary>
/// What a Kafka message turned out to be: an event; unreadable (and why); or not for this bank to handle
/// (<see cref="PassOver"/> says why: a type it does not know, or a newer version than it reads), which a consumer passes over.
/// </summary>
internal readonly record struct ReadMessage(ReceivedEvent? Event, string? Problem, string? PassOver = null);
