namespace Bank.Messaging.Kafka.Parking;

/// <summary>What a message in <c>{topic}.dlt</c> carries besides the original headers: what failed, where, for which group.</summary>
public static class DeadLetterHeaders
{
    public const string ExceptionType = "dlt-exception-type";
    public const string ExceptionMessage = "dlt-exception-message";
    public const string ConsumerGroup = "dlt-consumer-group";
    public const string OriginalTopic = "dlt-original-topic";
    public const string OriginalPartition = "dlt-original-partition";
    public const string OriginalOffset = "dlt-original-offset";
}
