using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Bank.Messaging.Kafka.Embedded;

/// <summary>
/// P/Invoke bindings for librdkafka's mock cluster API (rdkafka_mock.h). This API is
/// experimental upstream and not ABI-stable: re-check signatures when bumping librdkafka.redist.
/// </summary>
internal static partial class LibRdKafkaMock
{
    private const string LibraryName = "librdkafka";

    // The redist package ships several builds (librdkafka.so, centos8-, alpine-); Confluent.Kafka
    // picks whichever loads on this OS. We must call into that same copy, not load a second one.
    private static readonly Lazy<nint> LoadedLibrary = new(LoadLibraryUsedByConfluentKafka);

    // Static constructor: the CLR runs it exactly once, thread-safely, before any P/Invoke below binds.
    static LibRdKafkaMock() =>
        NativeLibrary.SetDllImportResolver(typeof(LibRdKafkaMock).Assembly, Resolve);

    internal const int ProducerType = 0; // RD_KAFKA_PRODUCER
    internal const int ConfOk = 0;       // RD_KAFKA_CONF_OK

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_new")]
    internal static partial nint ConfNew();

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_destroy")]
    internal static partial void ConfDestroy(nint conf);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ConfSet(nint conf, string name, string value, Span<byte> errstr, nuint errstrSize);

    /// <remarks>Takes ownership of <paramref name="conf"/> only on success.</remarks>
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_new")]
    internal static partial nint New(int type, nint conf, Span<byte> errstr, nuint errstrSize);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_destroy")]
    internal static partial void Destroy(nint rk);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_new")]
    internal static partial nint ClusterNew(nint rk, int brokerCount);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    internal static partial void ClusterDestroy(nint cluster);

    // Returns a pointer owned by the cluster: must not be freed, so no string marshalling here.
    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    internal static partial nint ClusterBootstraps(nint cluster);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int TopicCreate(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    internal static partial void GroupInitialRebalanceDelayMs(nint cluster, int delayMs);

    [LibraryImport(LibraryName, EntryPoint = "rd_kafka_mock_broker_set_host_port", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void BrokerSetHostPort(nint cluster, int brokerId, string host, int port);

    /// <summary>The librdkafka that Confluent.Kafka loaded, for calls into the rest of the mock cluster API.</summary>
    internal static nint Library => LoadedLibrary.Value;

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? LoadedLibrary.Value : 0; // 0 = default probing for other libraries

    private static nint LoadLibraryUsedByConfluentKafka()
    {
        // Forces Confluent.Kafka to pick and load its native library.
        _ = Confluent.Kafka.Library.Version;

        using var process = Process.GetCurrentProcess();
        foreach (ProcessModule module in process.Modules)
        {
            if (module.ModuleName.Contains(LibraryName, StringComparison.OrdinalIgnoreCase))
            {
                // Already mapped, so this returns the existing handle rather than loading a second copy.
                return NativeLibrary.Load(module.FileName);
            }
        }

        throw new DllNotFoundException("Confluent.Kafka is initialised but no librdkafka module is mapped in this process.");
    }
}
