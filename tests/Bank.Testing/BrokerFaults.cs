using Bank.Messaging.EmbeddedKafka;
using Confluent.Kafka;

namespace Bank.Testing;

/// <summary>Faults a test injects into the embedded broker, through librdkafka's mock cluster API.</summary>
public static class BrokerFaults
{
    /// <summary>
    /// Answers every client asking about <paramref name="topic"/> that it may not use it, so that writes to it fail at once,
    /// until <see cref="Authorize"/>. Clients that already hold its metadata notice only when they fetch it again.
    /// </summary>
    public static void Deny(this EmbeddedKafkaBroker broker, string topic) =>
        LibRdKafkaMock.TopicSetError(broker.Cluster, topic, (int)ErrorCode.TopicAuthorizationFailed);

    public static void Authorize(this EmbeddedKafkaBroker broker, string topic) =>
        LibRdKafkaMock.TopicSetError(broker.Cluster, topic, (int)ErrorCode.NoError);

    /// <summary>Drops the broker's connections and refuses new ones, until <see cref="SetUp"/>.</summary>
    public static void SetDown(this EmbeddedKafkaBroker broker) =>
        EmbeddedKafkaBroker.ThrowIfError(LibRdKafkaMock.BrokerSetDown(broker.Cluster, 1));

    public static void SetUp(this EmbeddedKafkaBroker broker) =>
        EmbeddedKafkaBroker.ThrowIfError(LibRdKafkaMock.BrokerSetUp(broker.Cluster, 1));
}
