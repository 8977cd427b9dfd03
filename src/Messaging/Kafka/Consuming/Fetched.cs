using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>A message as the poll loop fetched it, with the <see cref="PartitionOwnership.Epoch"/> it was fetched in.</summary>
internal readonly record struct Fetched(ConsumeResult<string, byte[]> Message, long Epoch);
