namespace Bank.Messaging.Events;

/// <summary>Where a Kafka message came from; a consumer reads it with <c>context.GetMessageSource()</c>.</summary>
internal sealed record MessageSource(string Topic, int Partition, long Offset, string? Key);
