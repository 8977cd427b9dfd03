using System.Globalization;
using System.Text;
using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Parking;

/// <summary>
/// Sends a message that its consumers could not handle to <c>{topic}.dlt</c>: same key, value and
/// headers, plus headers saying what failed, where and for which consumer group. Its producer is made for the first
/// dead letter: most hosts never send one, and an idle Kafka client still wakes its threads many times a second.
/// </summary>
internal sealed class DeadLetterPublisher(
    KafkaCluster cluster, IOptions<KafkaOptions> options, MessagingMetrics metrics, ILogger<DeadLetterPublisher> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private IProducer<string, byte[]>? _producer;

    /// <summary>True once the dead-letter topic acknowledged the message.</summary>
    public async Task<bool> TryPublishAsync(ConsumeResult<string, byte[]> failed, string consumerGroup, Exception error, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in failed.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.ExceptionType, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(DeadLetterHeaders.ExceptionMessage, Encoding.UTF8.GetBytes(error.Message));
        headers.Add(DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes(consumerGroup));
        headers.Add(DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(failed.Topic));
        headers.Add(DeadLetterHeaders.OriginalPartition, Encoding.UTF8.GetBytes(failed.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalOffset, Encoding.UTF8.GetBytes(failed.Offset.Value.ToString(CultureInfo.InvariantCulture)));

        try
        {
            await Producer().ProduceAsync(
                options.Value.DeadLetterTopicFor(failed.Topic),
                new Message<string, byte[]> { Key = failed.Message.Key, Value = failed.Message.Value, Headers = headers },
                cancellationToken);
            metrics.DeadLettered(consumerGroup, failed.Topic);
            return true;
        }
        catch (KafkaException e)
        {
            logger.LogError(e, "Could not send a message of {Topic} to its dead-letter topic: {Reason}", failed.Topic, e.Error.Reason);
            return false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _producer?.Flush(TimeSpan.FromSeconds(5));
            _producer?.Dispose();
        }
    }

    // A producer that could not be made is made again for the next dead letter, not remembered as a failure.
    private IProducer<string, byte[]> Producer()
    {
        lock (_gate)
        {
            if (_producer is null)
            {
                var log = new KafkaLog(logger);
                _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig(cluster.ClientProperties())
                {
                    EnableIdempotence = true,
                    Acks = Acks.All,
                    ClientId = "bank-dead-letters",
                })
                    .SetLogHandler((_, message) => log.Write(message))
                    .SetErrorHandler((_, error) => log.Error("Kafka dead-letter producer", error))
                    .Build();
            }

            return _producer;
        }
    }
}
