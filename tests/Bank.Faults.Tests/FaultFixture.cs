using Bank.Messaging.EmbeddedKafka;
using Bank.Testing;
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
        // As the README advises for hosts that share a standalone embedded broker: it waits a session timeout in every rebalance.
        ["Kafka:Consumer:session.timeout.ms"] = "3000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "1000",
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

    protected EmbeddedKafkaBroker StartBroker()
    {
        var broker = EmbeddedKafkaBroker.Start(port: _brokerPort);
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, 6);
        }

        return broker;
    }

    protected Task<(int ExitCode, string Output)> ConvergeAndVerifyAsync() => QueryModels.ConvergeAndVerifyAsync(Database, Settings);
}
