using System.Net;
using System.Text.Json;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>Memory-only brokers lose their contents when they restart; the system must not lose events with them.</summary>
public sealed class BrokerLossTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Events_relayed_to_an_embedded_broker_but_never_consumed_reach_the_models_after_a_host_restart()
    {
        Guid accountId;
        await using (var relayOnly = await BankHost.StartAsync(_database, new Dictionary<string, string?> { ["Messaging:ConsumersEnabled"] = "false" }))
        {
            accountId = await relayOnly.CreateApiClient().OpenAccountAsync("EUR", initialDeposit: 42m);
            await Eventually.ReturnsAsync(
                () => _database.ScalarAsync<long>("SELECT coalesce(max(last_seq_id), 0) FROM bank.mt_event_progression WHERE name = 'EventRelay:All'"),
                relayed => relayed >= 3);
        }

        await using var restarted = await BankHost.StartAsync(_database, new Dictionary<string, string?>());

        var account = await Eventually.ReturnsAsync(
            () => GetAsync(restarted, $"/accounts/{accountId}"),
            a => a is { } json && json.GetProperty("balance").GetDecimal() == 42m && json.GetProperty("ownerName").GetString() is not null);
        Assert.Equal("Ada Lovelace", account!.Value.GetProperty("ownerName").GetString());
    }

    [Fact]
    public async Task A_standalone_broker_that_restarts_empty_loses_nothing_end_to_end()
    {
        using var broker = new RestartingBroker();
        await using var host = await StartHostAsync(broker);
        var client = host.CreateApiClient();
        var before = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        await Eventually.ReturnsAsync(() => GetAsync(host, $"/accounts/{before}"), a => a?.GetProperty("balance").GetDecimal() == 10m);

        broker.Stop();
        var during = await client.OpenAccountAsync("USD", initialDeposit: 7m);
        var transfer = await client.PostJsonAsync("/transfers", new { fromAccountId = before, toAccountId = during, amount = 1m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        broker.Start();
        var after = await client.OpenAccountAsync("CAD", initialDeposit: 5m);

        await AssertShownWithOwnerAsync(host, [(before, 9m), (during, 8.08m), (after, 5m)]);
        // Each account's statement holds every movement once, the transfer's two sides included.
        Assert.Empty(await QueryModels.StatementDifferencesAsync(_database));
    }

    [Fact]
    public async Task Consumers_that_reconnect_only_after_the_new_logs_outgrew_the_old_ones_skip_nothing()
    {
        using var broker = new RestartingBroker();
        // The consumers come back seconds after the relay: by then the new logs are longer than the old ones were,
        // and librdkafka fetches on from its old offsets in them instead of resetting.
        await using var host = await StartHostAsync(broker, ("reconnect.backoff.ms", "4000"), ("reconnect.backoff.max.ms", "4000"));
        var client = host.CreateApiClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m));
        }

        foreach (var id in accounts)
        {
            await Eventually.ReturnsAsync(() => GetAsync(host, $"/accounts/{id}"), a => a?.GetProperty("balance").GetDecimal() == 10m);
        }

        broker.Stop();
        broker.Start();
        for (var i = 0; i < 18; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m));
        }

        await AssertShownWithOwnerAsync(host, [.. accounts.Select(id => (id, 10m))]);
        Assert.Empty(await QueryModels.StatementDifferencesAsync(_database));
    }

    /// <summary>A host on <paramref name="broker"/>, its consumers also given <paramref name="consumerSettings"/>.</summary>
    private Task<BankHost> StartHostAsync(RestartingBroker broker, params (string Key, string Value)[] consumerSettings)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "2000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
        };
        foreach (var (key, value) in consumerSettings)
        {
            settings[$"Kafka:Consumer:{key}"] = value;
        }

        return BankHost.StartAsync(_database, settings);
    }

    /// <summary>Each account shows its balance and its owner, within a minute.</summary>
    private static async Task AssertShownWithOwnerAsync(BankHost host, IEnumerable<(Guid Id, decimal Balance)> accounts)
    {
        foreach (var (id, balance) in accounts)
        {
            var account = await Eventually.ReturnsAsync(
                () => GetAsync(host, $"/accounts/{id}"),
                a => a is { } json && json.GetProperty("balance").GetDecimal() == balance && json.GetProperty("ownerName").GetString() is not null,
                TimeSpan.FromSeconds(60));
            Assert.Equal("Ada Lovelace", account!.Value.GetProperty("ownerName").GetString());
        }
    }

    private static async Task<JsonElement?> GetAsync(BankHost host, string path)
    {
        var response = await host.CreateApiClient().GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : null;
    }

    /// <summary>A standalone embedded broker on a fixed port, so that it can stop and come back at the same address, empty.</summary>
    private sealed class RestartingBroker : IDisposable
    {
        private readonly int _port = HostProcess.FreePort();
        private EmbeddedKafkaBroker? _broker;

        public RestartingBroker() => Start();

        public string BootstrapServers => $"127.0.0.1:{_port}";

        public void Start()
        {
            _broker = EmbeddedKafkaBroker.Start(port: _port);
            foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
            {
                _broker.CreateTopic(topic, 6);
            }
        }

        public void Stop()
        {
            _broker?.Dispose();
            _broker = null;
        }

        public void Dispose() => Stop();
    }
}
