using System.Diagnostics;
using Bank.Testing;
using Confluent.Kafka;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Benchmarks;

/// <summary>
/// The relay draining a backlog of committed events to Kafka, next to a raw producer sending the same
/// payloads; then each module's consumers catching up on that backlog, next to a raw consumer reading it.
/// </summary>
internal static class RelayAndProjections
{
    public static async Task RunAsync(Bench bench)
    {
        var accounts = bench.Quick ? 200 : 1000;
        const int eventsPerAccount = 100;
        var backlog = accounts * eventsPerAccount;
        await using var database = await TestDatabase.CreateAsync();
        using var broker = Bench.StartBroker();
        await using (var services = Bench.EventStore(database))
        {
            var store = services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await Bench.SeedAccountsAsync(store, accounts, eventsPerAccount);
        }

        var last = await Bench.ScalarAsync(database, "SELECT max(seq_id) FROM bank.mt_events");

        // Relay only: no consumers competing for the machine.
        double relayRate;
        await using (var relay = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers, ("Messaging:ConsumersEnabled", "false"))))
        {
            (relayRate, _) = await Bench.RateUntilAsync(
                () => Bench.ScalarAsync(database, "SELECT coalesce(max(last_seq_id), 0) FROM bank.mt_event_progression WHERE name = 'EventRelay:All'"),
                last,
                TimeSpan.FromMinutes(10));
        }

        var rawProducerRate = RawProduce(broker.BootstrapServers, backlog);
        bench.Add(new Figure("relay", $"relay events/s from a backlog of {backlog:N0}", relayRate, "/s", "raw producer", rawProducerRate));
        bench.Add(new Figure("relay", "raw Confluent.Kafka producer msgs/s", rawProducerRate, "/s"));

        var rawConsumerRate = RawConsume(broker.BootstrapServers, backlog);
        // One reader of committed offsets per group, asked five times a second: the groups commit once a second.
        using var customersCommitted = CommittedOffsets(broker.BootstrapServers, "customers");
        using var accountsCommitted = CommittedOffsets(broker.BootstrapServers, "accounts");
        await using (var consumers = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers, ("Relay:Enabled", "false"))))
        {
            var customers = Bench.RateUntilAsync(() => SumAsync(customersCommitted), backlog, TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(200));
            var accountsGroup = Bench.RateUntilAsync(() => SumAsync(accountsCommitted), backlog, TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(200));
            bench.Add(new Figure("projections", "customers module catch-up events/s", (await customers).Rate, "/s", "raw consumer", rawConsumerRate));
            bench.Add(new Figure("projections", "accounts module catch-up events/s", (await accountsGroup).Rate, "/s", "raw consumer", rawConsumerRate));
        }

        bench.Add(new Figure("projections", "raw Confluent.Kafka consumer msgs/s", rawConsumerRate, "/s"));

        // The same backlog again, into emptied query models, by fresh groups that check each batch against the event store or
        // trust the topic; in the order checked, trusting, trusting, checked, so that a machine warming up or slowing down
        // favours neither: what the check costs.
        var rates = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        foreach (var (check, run) in new[] { (true, 1), (false, 1), (false, 2), (true, 2) })
        {
            rates[check].Add(await CatchUpAsync(database, broker.BootstrapServers, backlog, check, $"{(check ? "checked" : "trusting")}-{run}"));
        }

        bench.Add(new Figure(
            "projections",
            "accounts module catch-up events/s, checked against the store (mean of 2)",
            rates[true].Average(),
            "/s",
            "trusting the topic",
            rates[false].Average()));
    }

    /// <summary>How fast a fresh accounts group catches up on the backlog into emptied query models.</summary>
    private static async Task<double> CatchUpAsync(TestDatabase database, string bootstrapServers, int backlog, bool check, string suffix)
    {
        await Bench.ScalarAsync(
            database,
            "TRUNCATE accounts.mt_doc_accountview, accounts.mt_doc_accountowner, accounts.mt_doc_statementline, " +
            "customers.mt_doc_customeraccount, customers.mt_doc_customerprofile; SELECT 0::bigint");
        using var committed = CommittedOffsets(bootstrapServers, $"accounts-{suffix}");
        await using var consumers = await HostProcess.StartAsync(Bench.HostSettings(
            database,
            bootstrapServers,
            ("Relay:Enabled", "false"),
            ("Kafka:CheckEventsAgainstStore", check ? "true" : "false"),
            ("Kafka:ConsumerGroups:customers", $"customers-{suffix}"),
            ("Kafka:ConsumerGroups:accounts", $"accounts-{suffix}")));
        return (await Bench.RateUntilAsync(() => SumAsync(committed), backlog, TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(200))).Rate;
    }

    /// <summary>The same payloads and headers as the relay sent, produced in one go to a topic of their own.</summary>
    private static double RawProduce(string bootstrapServers, int count)
    {
        var messages = new List<Message<string, byte[]>>();
        var sample = TopicSample(bootstrapServers, 1).Single();
        for (var i = 0; i < count; i++)
        {
            messages.Add(new Message<string, byte[]> { Key = Guid.NewGuid().ToString("D"), Value = sample.Message.Value, Headers = sample.Message.Headers });
        }

        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
        }).SetLogHandler((_, _) => { }).Build();
        var watch = Stopwatch.StartNew();
        foreach (var message in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce("bench_raw", message);
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush();
        return count / watch.Elapsed.TotalSeconds;
    }

    private static double RawConsume(string bootstrapServers, int count)
    {
        var watch = Stopwatch.StartNew();
        var read = TopicSample(bootstrapServers, count).Count;
        return read / watch.Elapsed.TotalSeconds;
    }

    private static List<ConsumeResult<string, byte[]>> TopicSample(string bootstrapServers, int count)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-raw",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        // Assigned, not subscribed: reading, without a group's coordination in the way.
        consumer.Assign(Enumerable.Range(0, Bench.Partitions).Select(p => new TopicPartitionOffset("events_Account", p, Offset.Beginning)));
        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private static IConsumer<Ignore, Ignore> CommittedOffsets(string bootstrapServers, string group) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group })
            .SetLogHandler((_, _) => { }).Build();

    private static Task<long> SumAsync(IConsumer<Ignore, Ignore> committed)
    {
        var partitions = Enumerable.Range(0, Bench.Partitions).Select(p => new TopicPartition("events_Account", p));
        return Task.FromResult(committed.Committed(partitions, TimeSpan.FromSeconds(5)).Sum(p => Math.Max(0, p.Offset.Value)));
    }
}
