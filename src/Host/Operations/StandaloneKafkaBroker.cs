using System.Globalization;
using Bank.Accounts.Contracts;
using Bank.Customers.Contracts;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Embedded;

namespace Bank.Host.Operations;

/// <summary>
/// <c>Bank.Host kafka-broker [--port 9092] [--partitions 6]</c>: the embedded Kafka-protocol broker as a
/// process of its own, so that several hosts and tools such as kcat can share it. Memory only.
/// </summary>
internal static class StandaloneKafkaBroker
{
    public const string Command = "kafka-broker";

    public static int Run(string[] args)
    {
        var port = 9092;
        var partitions = 6;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536:
                case "--partitions" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out partitions) && partitions > 0:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"Usage: {Command} [--port 1-65535] [--partitions N]; unexpected '{args[i]}'.");
                    return 2;
            }
        }

        using var broker = EmbeddedKafkaBroker.Start(port: port);
        var options = new KafkaOptions();
        // The broker holds the cluster, so it creates the product's topics: hosts find them at once.
        foreach (var topic in new[] { CustomerEvents.AggregateType, AccountEvents.AggregateType }.Select(options.TopicFor))
        {
            broker.CreateTopic(topic, partitions);
            broker.CreateTopic(options.DeadLetterTopicFor(topic), partitions);
        }

        Console.WriteLine($"Embedded Kafka broker listening on {broker.BootstrapServers}");
        Console.WriteLine("Its topics live in memory only. Press Ctrl+C to stop.");

        using var stopped = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopped.Set();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.Set();
        stopped.Wait();
        return 0;
    }
}
