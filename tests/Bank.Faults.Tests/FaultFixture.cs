using Bank.BuildingBlocks.Kafka;
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

    /// <summary>Waits until both modules' models have applied every event of every account, then runs the host's verify command.</summary>
    protected async Task<(int ExitCode, string Output)> ConvergeAndVerifyAsync()
    {
        await Eventually.ReturnsAsync(
            () => Database.ScalarAsync<long>(
                """
                SELECT count(*) FROM bank.mt_streams s
                WHERE EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'AccountOpened')
                  AND (NOT EXISTS (SELECT 1 FROM accounts.mt_doc_accountview v WHERE v.id = s.id AND v.mt_version = s.version)
                    OR NOT EXISTS (SELECT 1 FROM customers.mt_doc_customeraccount c WHERE c.id = s.id AND c.mt_version = s.version))
                """),
            behind => behind == 0,
            TimeSpan.FromSeconds(90));
        return await HostProcess.RunCommandAsync(Settings, "verify");
    }
}
