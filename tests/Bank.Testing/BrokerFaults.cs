using System.Runtime.InteropServices;
using Bank.Messaging.Kafka.Embedded;
using Confluent.Kafka;

namespace Bank.Testing;

/// <summary>
/// Faults a test injects into the embedded broker, through librdkafka's mock cluster API: the same library the broker
/// runs on, called here so that production code carries no test hooks.
/// </summary>
public static class BrokerFaults
{
    private static readonly Lazy<TopicSetErrorFunction> TopicSetError = new(() => Function<TopicSetErrorFunction>("rd_kafka_mock_topic_set_error"));
    private static readonly Lazy<BrokerFunction> BrokerSetDown = new(() => Function<BrokerFunction>("rd_kafka_mock_broker_set_down"));
    private static readonly Lazy<BrokerFunction> BrokerSetUp = new(() => Function<BrokerFunction>("rd_kafka_mock_broker_set_up"));

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void TopicSetErrorFunction(nint cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int error);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BrokerFunction(nint cluster, int brokerId);

    /// <summary>
    /// Answers every client asking about <paramref name="topic"/> that it may not use it, so that writes to it fail at once,
    /// until <see cref="Authorize"/>. Clients that already hold its metadata notice only when they fetch it again.
    /// </summary>
    public static void Deny(this EmbeddedKafkaBroker broker, string topic) =>
        TopicSetError.Value(broker.Cluster, topic, (int)ErrorCode.TopicAuthorizationFailed);

    public static void Authorize(this EmbeddedKafkaBroker broker, string topic) =>
        TopicSetError.Value(broker.Cluster, topic, (int)ErrorCode.NoError);

    /// <summary>Drops the broker's connections and refuses new ones, until <see cref="SetUp"/>.</summary>
    public static void SetDown(this EmbeddedKafkaBroker broker) =>
        EmbeddedKafkaBroker.ThrowIfError(BrokerSetDown.Value(broker.Cluster, 1));

    public static void SetUp(this EmbeddedKafkaBroker broker) =>
        EmbeddedKafkaBroker.ThrowIfError(BrokerSetUp.Value(broker.Cluster, 1));

    private static T Function<T>(string name)
        where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(LibRdKafkaMock.Library, name));
}
