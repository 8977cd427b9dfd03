using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Bank.Messaging.Events;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>SIGKILL of the host: nothing acknowledged is lost, nothing is doubled, and the models match the event store.</summary>
public sealed class CrashTests : FaultFixture
{
    [Fact]
    public async Task A_host_killed_during_a_burst_of_commands_loses_nothing_and_doubles_nothing()
    {
        var accounts = new List<Guid>();
        var acknowledged = new ConcurrentBag<(Guid Account, long Version, decimal Balance)>();
        await using (var host = await HostProcess.StartAsync(Settings))
        {
            using var client = host.CreateClient();
            for (var i = 0; i < 6; i++)
            {
                accounts.Add(await client.OpenAccountAsync(i % 2 == 0 ? "EUR" : "USD", initialDeposit: 1000m));
            }

            using var burst = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                var random = new Random(worker);
                while (!burst.IsCancellationRequested)
                {
                    var account = accounts[random.Next(accounts.Count)];
                    var other = accounts[(accounts.IndexOf(account) + 1 + random.Next(accounts.Count - 1)) % accounts.Count];
                    var amount = random.Next(1, 50);
                    try
                    {
                        var response = random.Next(3) switch
                        {
                            0 => await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount, currency = "EUR" }),
                            1 => await client.PostJsonAsync($"/accounts/{account}/withdrawals", new { amount, currency = "EUR" }),
                            _ => await client.PostJsonAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount, currency = "EUR" }),
                        };
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            var body = await response.JsonAsync();
                            foreach (var side in body.TryGetProperty("transferId", out _) ? new[] { body.GetProperty("from"), body.GetProperty("to") } : [body])
                            {
                                acknowledged.Add((side.GetProperty("accountId").GetGuid(), side.GetProperty("version").GetInt64(), side.GetProperty("balance").GetDecimal()));
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                    {
                        // The host died under this request: it may or may not have been committed.
                    }
                }
            })).ToList();

            await Eventually.ReturnsAsync(() => Task.FromResult(acknowledged.Count), count => count >= 150, TimeSpan.FromSeconds(60));
            host.Kill();
            await burst.CancelAsync();
            await Task.WhenAll(workers);
        }

        await using var restarted = await HostProcess.StartAsync(Settings);

        // Every acknowledged command is in the event store, exactly as acknowledged.
        foreach (var (account, version, balance) in acknowledged)
        {
            var stored = await Database.ScalarAsync<string>(
                $"SELECT data->>'balance' FROM bank.mt_events WHERE stream_id = '{account}' AND version = {version}");
            Assert.Equal(balance, decimal.Parse(stored, CultureInfo.InvariantCulture));
        }

        // Every stored event reaches Kafka at least once, and per key in version order.
        var storedEvents = await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type LIKE 'Account%' OR type LIKE 'Money%'");
        var messages = await TopicReader.ReadEventsAsync(Broker.BootstrapServers, "events_Account", storedEvents, TimeSpan.FromSeconds(60));
        Assert.Equal(storedEvents, TopicReader.DistinctEvents(messages));
        foreach (var stream in messages.GroupBy(m => m.Key))
        {
            var firstSeen = stream.OrderBy(m => m.Offset)
                .Select(m => long.Parse(m.Headers[EventHeaders.StreamVersion], CultureInfo.InvariantCulture))
                .Distinct()
                .ToList();
            Assert.Equal(Enumerable.Range(1, firstSeen.Count).Select(v => (long)v), firstSeen);
        }

        // The query models equal the event store: no amount doubled or missing.
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_host_killed_while_Kafka_has_not_acknowledged_its_page_sends_the_page_after_restart()
    {
        Guid account;
        long stored;
        await using (var host = await HostProcess.StartAsync(Settings))
        {
            using var client = host.CreateClient();
            account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
            var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
            Assert.True(cleanExit == 0, cleanOutput);

            // The broker stops answering: the relay holds a page it cannot have acknowledged.
            Broker.SetDown();
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
            }

            stored = await Database.ScalarAsync<long>("SELECT max(seq_id) FROM bank.mt_events");
            var relayed = await RelayedUpToAsync();
            Assert.True(relayed < stored, $"The relay stored progress {relayed} although Kafka acknowledged nothing after it was down (last event {stored}).");
            host.Kill();
        }

        Broker.SetUp();
        await using var restarted = await HostProcess.StartAsync(Settings);

        await Eventually.ReturnsAsync(RelayedUpToAsync, relayed => relayed >= stored, TimeSpan.FromSeconds(60));
        var messages = await TopicReader.ReadEventsAsync(Broker.BootstrapServers, "events_Account", expected: 7, TimeSpan.FromSeconds(60));
        var versions = messages.Where(m => m.Key == account.ToString("D"))
            .Select(m => long.Parse(m.Headers[EventHeaders.StreamVersion], CultureInfo.InvariantCulture)).Distinct().Order();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], versions);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_host_killed_while_its_consumers_are_mid_batch_converges_after_restart()
    {
        await using (var producer = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["Messaging:ConsumersEnabled"] = "false" }))
        {
            using var client = producer.CreateClient();
            Guid? previous = null;
            for (var i = 0; i < 20; i++)
            {
                var account = await client.OpenAccountAsync("EUR", initialDeposit: 100m);
                for (var j = 0; j < 10; j++)
                {
                    await client.PostJsonAsync($"/accounts/{account}/withdrawals", new { amount = 1m, currency = "EUR" });
                }

                if (previous is { } from)
                {
                    await client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = account, amount = 2m, currency = "EUR" });
                }

                previous = account;
            }

            await Eventually.ReturnsAsync(
                () => Database.ScalarAsync<long>("SELECT coalesce(max(last_seq_id), 0) FROM bank.mt_event_progression WHERE name = 'EventRelay:All'"),
                relayed => relayed >= 298);
        }

        await using (var consuming = await HostProcess.StartAsync(Settings))
        {
            await Eventually.ReturnsAsync(
                () => Database.ScalarAsync<long>("SELECT count(*) FROM accounts.mt_doc_accountview"), count => count > 0, TimeSpan.FromSeconds(30));
            consuming.Kill();
        }

        await using var restarted = await HostProcess.StartAsync(Settings);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    private Task<long> RelayedUpToAsync() =>
        Database.ScalarAsync<long>("SELECT coalesce(max(last_seq_id), 0) FROM bank.mt_event_progression WHERE name = 'EventRelay:All'");
}
