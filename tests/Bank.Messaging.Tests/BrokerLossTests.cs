using System.Net;
using System.Text.Json;
using Bank.Messaging.EmbeddedKafka;
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
        var port = HostProcess.FreePort();
        var broker = StartStandalone(port);
        try
        {
            await using var host = await BankHost.StartAsync(_database, new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = broker.BootstrapServers,
                ["Kafka:Consumer:session.timeout.ms"] = "2000",
                ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
            });
            var client = host.CreateApiClient();
            var before = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
            await Eventually.ReturnsAsync(() => GetAsync(host, $"/accounts/{before}"), a => a?.GetProperty("balance").GetDecimal() == 10m);

            broker.Dispose();
            var during = await client.OpenAccountAsync("USD", initialDeposit: 7m);
            var transfer = await client.PostJsonAsync("/transfers", new { fromAccountId = before, toAccountId = during, amount = 1m, currency = "EUR" });
            Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
            broker = StartStandalone(port);
            var after = await client.OpenAccountAsync("CAD", initialDeposit: 5m);

            foreach (var (id, balance) in new[] { (before, 9m), (during, 8.08m), (after, 5m) })
            {
                var account = await Eventually.ReturnsAsync(
                    () => GetAsync(host, $"/accounts/{id}"),
                    a => a is { } json && json.GetProperty("balance").GetDecimal() == balance && json.GetProperty("ownerName").GetString() is not null,
                    TimeSpan.FromSeconds(60));
                Assert.Equal("Ada Lovelace", account!.Value.GetProperty("ownerName").GetString());
            }

            // Each account's statement holds every movement once, the transfer's two sides included.
            Assert.Empty(await QueryModels.StatementDifferencesAsync(_database));
        }
        finally
        {
            broker.Dispose();
        }
    }

    [Fact]
    public async Task Consumers_that_reconnect_only_after_the_new_logs_outgrew_the_old_ones_skip_nothing()
    {
        var port = HostProcess.FreePort();
        var broker = StartStandalone(port);
        try
        {
            // The consumers come back seconds after the relay: by then the new logs are longer than the old ones were,
            // and librdkafka fetches on from its old offsets in them instead of resetting.
            await using var host = await BankHost.StartAsync(_database, new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = broker.BootstrapServers,
                ["Kafka:Consumer:session.timeout.ms"] = "2000",
                ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
                ["Kafka:Consumer:reconnect.backoff.ms"] = "4000",
                ["Kafka:Consumer:reconnect.backoff.max.ms"] = "4000",
            });
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

            broker.Dispose();
            broker = StartStandalone(port);
            for (var i = 0; i < 18; i++)
            {
                accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m));
            }

            foreach (var id in accounts)
            {
                var account = await Eventually.ReturnsAsync(
                    () => GetAsync(host, $"/accounts/{id}"),
                    a => a is { } json && json.GetProperty("balance").GetDecimal() == 10m && json.GetProperty("ownerName").GetString() is not null,
                    TimeSpan.FromSeconds(60));
                Assert.Equal("Ada Lovelace", account!.Value.GetProperty("ownerName").GetString());
            }

            Assert.Empty(await QueryModels.StatementDifferencesAsync(_database));
        }
        finally
        {
            broker.Dispose();
        }
    }

    private static EmbeddedKafkaBroker StartStandalone(int port)
    {
        var broker = EmbeddedKafkaBroker.Start(port: port);
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, 6);
        }

        return broker;
    }

    private static async Task<JsonElement?> GetAsync(BankHost host, string path)
    {
        var response = await host.CreateApiClient().GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : null;
    }
}
