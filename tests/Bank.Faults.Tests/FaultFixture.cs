using System.Globalization;
using System.Net;
using System.Text;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Confluent.Kafka;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>A fresh database and a standalone broker on a fixed port (so it can be restarted) for one test.</summary>
public abstract class FaultFixture : IAsyncLifetime
{
    private readonly int _brokerPort = HostProcess.FreePort();

    protected TestDatabase Database { get; private set; } = null!;

    protected EmbeddedKafkaBroker Broker { get; private set; } = null!;

    protected Dictionary<string, string> Settings => new()
    {
        ["ConnectionStrings:Postgres"] = Database.ConnectionString,
        ["Kafka:BootstrapServers"] = Broker.BootstrapServers,
        // As the operations docs advise for hosts that share a standalone embedded broker: it waits a session timeout less
        // one second in every rebalance, and again for a member that rejoins late.
        ["Kafka:Consumer:session.timeout.ms"] = "2000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
        // It drops a member whose join it held past the session without answering, which then waits this long.
        ["Kafka:Consumer:max.poll.interval.ms"] = "15000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Broker = StartBroker();
    }

    public virtual async Task DisposeAsync()
    {
        Broker.Dispose();
        await Database.DisposeAsync();
    }

    /// <summary>The broker stops and starts again at the same address, empty: a memory-only broker's restart.</summary>
    protected void RestartBrokerEmpty()
    {
        Broker.Dispose();
        Broker = StartBroker();
    }

    private EmbeddedKafkaBroker StartBroker()
    {
        var broker = EmbeddedKafkaBroker.Start(port: _brokerPort);
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, 6);
        }

        return broker;
    }

    protected Task<(int ExitCode, string Output)> ConvergeAndVerifyAsync() => QueryModels.ConvergeAndVerifyAsync(Database, Settings);

    /// <summary>
    /// An account of 10 EUR whose next event, a poison message, parks it in both consumer groups, with a deposit of 5 EUR
    /// behind it: what an operator then has to discard and replay.
    /// </summary>
    protected async Task<(Guid Account, Guid Poison)> ParkAnAccountAsync(HttpClient client)
    {
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        await client.GetShownAsync($"/accounts/{account}?minVersion=2");
        var poison = await ProducePoisonAsync(account, version: 3);
        var deposit = await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 5m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        return (account, poison);
    }

    /// <summary>Produces, onto the account's partition, a deposit its consumers cannot read: the next version, with a broken payload.</summary>
    protected async Task<Guid> ProducePoisonAsync(Guid account, long version)
    {
        var eventId = Guid.NewGuid();
        await ProduceAsync("events_Account", account.ToString("D"), "{ \"amount\": 1000000, "u8.ToArray(), new Dictionary<string, string>
        {
            [EventHeaders.MessageType] = "MoneyDeposited",
            [EventHeaders.EventId] = eventId.ToString("D"),
            [EventHeaders.StreamVersion] = version.ToString(CultureInfo.InvariantCulture),
            [EventHeaders.GlobalPosition] = "1",
            [EventHeaders.Timestamp] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        });
        return eventId;
    }

    /// <summary>Produces as anyone with produce rights on the topic could: onto the key's partition, with any headers.</summary>
    protected async Task ProduceAsync(string topic, string key, byte[] value, IReadOnlyDictionary<string, string> headers)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Broker.BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        var kafkaHeaders = new Headers();
        foreach (var (name, text) in headers)
        {
            kafkaHeaders.Add(name, Encoding.UTF8.GetBytes(text));
        }

        await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = kafkaHeaders });
    }
}
