using Bank.Accounts.Contracts;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Confluent.Kafka;
using Marten;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>Kafka keeps messages only for a while; the event store keeps them all, and no query model may miss one.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private const int Accounts = 20;
    private const int Partitions = 2;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Consumer_groups_that_start_after_the_broker_dropped_the_oldest_messages_catch_up_from_the_event_store_older_versions_too()
    {
        using var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, Partitions);
        }

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "2000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
        };

        Guid customerId;
        List<Guid> accounts = [];
        await using (var relayOnly = await BankHost.StartAsync(_database, With(settings, "Messaging:ConsumersEnabled", "false")))
        {
            var client = relayOnly.CreateApiClient();
            customerId = await client.CreateCustomerAsync();
            for (var i = 0; i < Accounts; i++)
            {
                accounts.Add(await client.OpenAccountAsync("EUR", customerId: customerId));
            }

            // Deposits straight into the store, until the broker has dropped every AccountOpened (the first messages of
            // each partition): the embedded broker keeps the newest 5 MB of a partition.
            var store = relayOnly.GetService<IDocumentStore>();
            var version = 1;
            while (await LowestStartAsync(broker.BootstrapServers) <= 2 * Accounts)
            {
                for (var round = 0; round < 250; round++)
                {
                    version++;
                    await using var session = store.LightweightSession();
                    foreach (var account in accounts)
                    {
                        session.Events.Append(account, new MoneyDeposited(account, 1m, "EUR", 1m, "EUR", 1m, version - 1));
                    }

                    await session.SaveChangesAsync();
                }

                await Eventually.ReturnsAsync(
                    () => _database.ScalarAsync<bool>(
                        "SELECT coalesce((SELECT last_seq_id FROM bank.mt_event_progression WHERE name = 'EventRelay:All'), 0) >= " +
                        "(SELECT max(seq_id) FROM bank.mt_events)"),
                    relayed => relayed,
                    TimeSpan.FromSeconds(60));
            }
        }

        // The bank was upgraded since: its deposits are stored as version 1, and Kafka holds the newest of them as version 2.
        var deposits = await Version1Events.RewriteMoneyMovementsAsync(_database);

        // Two consumer-only instances: their groups have no position, Kafka no longer holds the start of any partition,
        // and the partitions are shared out (and may move) while they catch up.
        await using var consumerOnly = await BankHost.StartAsync(_database, With(settings, "Relay:Enabled", "false"));
        await using var another = await BankHost.StartAsync(_database, With(settings, "Relay:Enabled", "false"));

        var (exitCode, output) = await QueryModels.ConvergeAndVerifyAsync(_database, settings);
        Assert.True(exitCode == 0, output);
        var reader = consumerOnly.CreateApiClient();
        foreach (var account in accounts)
        {
            var shown = await (await reader.GetAsync($"/accounts/{account}")).JsonAsync();
            Assert.Equal(customerId, shown.GetProperty("ownerId").GetGuid());
            Assert.Equal(deposits / Accounts, shown.GetProperty("balance").GetDecimal());
        }
    }

    private static Dictionary<string, string?> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))) { [key] = value };

    /// <summary>The lowest offset any partition of events_Account still holds.</summary>
    private static async Task<long> LowestStartAsync(string bootstrapServers)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "retention-probe" })
            .SetLogHandler((_, _) => { })
            .Build();
        return await Task.Run(() => Enumerable.Range(0, Partitions)
            .Min(p => consumer.QueryWatermarkOffsets(new TopicPartition("events_Account", p), TimeSpan.FromSeconds(10)).Low.Value));
    }
}
