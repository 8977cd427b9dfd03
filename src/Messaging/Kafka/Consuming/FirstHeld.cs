namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// A partition's first item since it was assigned, or since the connection was lost (<paramref name="AfterLoss"/>): the
/// position of the event it carries, or null for the partition's end.
/// </summary>
internal readonly record struct FirstHeld(long? Position, bool AfterLoss);
