using System.Globalization;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Embedded;

/// <summary>
/// In-process Kafka cluster backed by librdkafka's mock broker. It speaks the real wire protocol
/// on 127.0.0.1 (any process on the machine can connect), keeps everything in memory and starts
/// in milliseconds. Not a full broker: no CreateTopics admin API, no persistence, no ACLs.
/// </summary>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private readonly LoopbackPortForwarder? _forwarder;
    private nint _handle;
    private nint _cluster;

    private EmbeddedKafkaBroker(nint handle, nint cluster, string bootstrapServers, LoopbackPortForwarder? forwarder)
    {
        _handle = handle;
        _cluster = cluster;
        _forwarder = forwarder;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The broker's 127.0.0.1:port.</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// Starts a broker on an ephemeral loopback port, or, with <paramref name="port"/>, one reachable (and
    /// advertised) at 127.0.0.1:<paramref name="port"/>, the same address after a restart.
    /// </summary>
    public static EmbeddedKafkaBroker Start(int? port = null)
    {
        // The mock needs an rd_kafka_t to own it; that handle never connects anywhere.
        var conf = LibRdKafkaMock.ConfNew();
        Span<byte> error = stackalloc byte[512];
        nint handle;
        try
        {
            // The owning handle logs to stderr (no log callback); level 0 silences its
            // "no bootstrap.servers" notice and mock-broker chatter.
            SetConf(conf, "log_level", "0", error);
            SetConf(conf, "client.id", "embedded-kafka-broker", error);
            handle = LibRdKafkaMock.New(LibRdKafkaMock.ProducerType, conf, error, (nuint)error.Length);
            if (handle == 0)
            {
                throw new InvalidOperationException($"rd_kafka_new failed: {ReadError(error)}");
            }
        }
        catch
        {
            LibRdKafkaMock.ConfDestroy(conf);
            throw;
        }

        var cluster = LibRdKafkaMock.ClusterNew(handle, 1);
        if (cluster == 0)
        {
            LibRdKafkaMock.Destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        // The mock defaults to a 3 s group.initial.rebalance.delay.ms for every new group. A short one lets a host's
        // members, which join together, form the group's first generation together: one rebalance at start, not one
        // for each member that joins after the first (each waits a session timeout less one second here).
        LibRdKafkaMock.GroupInitialRebalanceDelayMs(cluster, 300);

        var bootstrap = Marshal.PtrToStringUTF8(LibRdKafkaMock.ClusterBootstraps(cluster))!;
        if (port is not { } fixedPort)
        {
            return new EmbeddedKafkaBroker(handle, cluster, bootstrap, null);
        }

        try
        {
            var forwarder = new LoopbackPortForwarder(fixedPort, int.Parse(bootstrap[(bootstrap.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            LibRdKafkaMock.BrokerSetHostPort(cluster, 1, "127.0.0.1", fixedPort);
            return new EmbeddedKafkaBroker(handle, cluster, $"127.0.0.1:{fixedPort}", forwarder);
        }
        catch
        {
            LibRdKafkaMock.ClusterDestroy(cluster);
            LibRdKafkaMock.Destroy(handle);
            throw;
        }
    }

    /// <summary>Creates a topic on the single broker.</summary>
    public void CreateTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ThrowIfError(LibRdKafkaMock.TopicCreate(Cluster, name, partitions, 1));
    }

    public void Dispose()
    {
        var cluster = Interlocked.Exchange(ref _cluster, 0);
        if (cluster == 0)
        {
            return;
        }

        _forwarder?.Dispose();

        // The cluster must go before the handle that owns it.
        LibRdKafkaMock.ClusterDestroy(cluster);
        LibRdKafkaMock.Destroy(Interlocked.Exchange(ref _handle, 0));
    }

    /// <summary>The mock cluster's handle, for the tests' fault injection (<c>BrokerFaults</c>).</summary>
    internal nint Cluster
    {
        get
        {
            var cluster = Volatile.Read(ref _cluster);
            ObjectDisposedException.ThrowIf(cluster == 0, this);
            return cluster;
        }
    }

    private static void SetConf(nint conf, string name, string value, Span<byte> error)
    {
        if (LibRdKafkaMock.ConfSet(conf, name, value, error, (nuint)error.Length) != LibRdKafkaMock.ConfOk)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {ReadError(error)}");
        }
    }

    private static string ReadError(ReadOnlySpan<byte> error)
    {
        var end = error.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? error : error[..end]);
    }

    internal static void ThrowIfError(int error)
    {
        if (error != 0)
        {
            throw new KafkaException((ErrorCode)error);
        }
    }
}
