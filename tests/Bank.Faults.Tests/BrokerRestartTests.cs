using System.Globalization;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Cluster;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>
/// A memory-only broker that restarts empty gets back, on each partition, only what some consumer group has not
/// finished there: never the history.
/// </summary>
public sealed class BrokerRestartTests : FaultFixture
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_broker_that_restarts_empty_gets_back_on_each_partition_what_some_group_has_not_finished_there_and_nothing_else(
        bool storeRelayedBeforePartitionsWereRecorded)
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var accounts = new List<Guid>();
        while (accounts.Select(a => KeyPartitions.PartitionOf(a.ToString("D"), 6)).Distinct().Count() < 6)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m));
        }

        await Eventually.ReturnsAsync(() => BehindAsync("customers"), behind => behind == 0, TimeSpan.FromSeconds(30));
        var lastBeforeDeposits = await Database.ScalarAsync<long>("SELECT max(seq_id) FROM bank.mt_events");

        // The customers group's writes are refused from here on: it stays where it is on every partition while the
        // accounts group moves on with a deposit into every account.
        await Database.ScalarAsync<int>(
            """
            CREATE FUNCTION customers.refuse_all() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_all BEFORE INSERT OR UPDATE ON customers.mt_doc_customeraccount
                FOR EACH ROW EXECUTE FUNCTION customers.refuse_all();
            SELECT 0
            """);
        foreach (var account in accounts)
        {
            await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" });
        }

        await Eventually.ReturnsAsync(() => BehindAsync("accounts"), behind => behind == 0, TimeSpan.FromSeconds(30));
        // Every partition holds accounts, so each group records a position on each, within a second of finishing: the
        // customers group's stops at the partition's last event before the deposits, as it can finish nothing more.
        var lastBefore = (await EventsAsync(accounts))
            .Where(e => e.Position <= lastBeforeDeposits)
            .GroupBy(e => KeyPartitions.PartitionOf(e.StreamId, 6))
            .ToDictionary(partition => partition.Key, partition => partition.Max(e => e.Position));
        var positions = await Eventually.ReturnsAsync(
            PositionsAsync,
            recorded => Enumerable.Range(0, 6).All(p =>
                recorded.GetValueOrDefault(("customers", p)) == lastBefore[p] && recorded.GetValueOrDefault(("accounts", p)) > lastBefore[p]),
            TimeSpan.FromSeconds(30));
        if (storeRelayedBeforePartitionsWereRecorded)
        {
            // As a store relayed to by a version that did not record where each partition's last event went.
            await Database.ScalarAsync<int>("DELETE FROM bank.mt_doc_relayedpartition; SELECT 0");
        }

        RestartBrokerEmpty();

        // On each partition, the account events after the customers group's position there: those it has not finished.
        var events = await EventsAsync(accounts);
        var expected = events
            .Where(e => e.Position > positions.GetValueOrDefault(("customers", KeyPartitions.PartitionOf(e.StreamId, 6))))
            .Select(e => e.EventId)
            .ToHashSet();
        var refilled = await TopicReader.ReadAsync(Broker.BootstrapServers, "events_Account", expected.Count, TimeSpan.FromSeconds(60), quiet: TimeSpan.FromSeconds(3));
        var sent = refilled.Select(m => m.Headers[EventHeaders.EventId]).ToHashSet();
        Assert.True(
            expected.SetEquals(sent) && sent.Count == refilled.Count,
            $"Expected {expected.Count}, sent {refilled.Count}: missing " +
            string.Join(", ", events.Where(e => expected.Contains(e.EventId) && !sent.Contains(e.EventId)).Select(e => $"{e.Position}@p{KeyPartitions.PartitionOf(e.StreamId, 6)}")) +
            "; extra " + string.Join(", ", events.Where(e => !expected.Contains(e.EventId) && sent.Contains(e.EventId)).Select(e => $"{e.Position}@p{KeyPartitions.PartitionOf(e.StreamId, 6)}")) +
            "; customers at " + string.Join(", ", Enumerable.Range(0, 6).Select(p => $"p{p}={positions.GetValueOrDefault(("customers", p))}")));
        Assert.True(expected.Count < events.Count, "The test needs events the customers group had finished.");
        // Every group had finished the customers' own events: none is sent again.
        Assert.Empty(await TopicReader.ReadAsync(Broker.BootstrapServers, "events_Customer", expected: 0, TimeSpan.FromSeconds(5)));

        await Database.ScalarAsync<int>("DROP TRIGGER refuse_all ON customers.mt_doc_customeraccount; SELECT 0");
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_host_restarted_after_a_clean_stop_sends_nothing_again_to_its_own_empty_broker_and_is_fresh_at_once()
    {
        var settings = Settings;
        settings.Remove("Kafka:BootstrapServers");
        settings["Logging:LogLevel:Bank.Messaging.Kafka.Producing.BrokerLossRefill"] = "Information";
        await using (var first = await HostProcess.StartAsync(settings))
        {
            using var client = first.CreateClient();
            for (var i = 0; i < 12; i++)
            {
                await client.OpenAccountAsync("EUR", initialDeposit: 10m);
            }

            await Eventually.ReturnsAsync(() => BehindAsync("accounts"), behind => behind == 0, TimeSpan.FromSeconds(30));
            await Eventually.ReturnsAsync(() => BehindAsync("customers"), behind => behind == 0, TimeSpan.FromSeconds(30));
            // Both groups' members of events_Customer too: a clean stop sends nothing again only once every group finished.
            await Eventually.ReturnsAsync(CustomersBehindAsync, behind => behind == 0, TimeSpan.FromSeconds(30));
            await first.StopAsync();
        }

        await using var second = await HostProcess.StartAsync(settings);
        using var again = second.CreateClient();
        // /health answers 200 only once every member of this instance has joined its group and holds its partitions.
        var groups = (await (await again.GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("consumer-groups");
        var held = groups.GetProperty("description").GetString();
        foreach (var member in new[] { "events_Account in accounts", "events_Customer in accounts", "events_Account in customers", "events_Customer in customers" })
        {
            Assert.Contains($"partition(s) of {member}", held, StringComparison.Ordinal);
        }

        var account = await again.OpenAccountAsync("EUR");
        var deposited = await (await again.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 5m, currency = "EUR" })).JsonAsync();

        var shown = await again.GetAsync($"/accounts/{account}?minVersion={deposited.GetProperty("version").GetInt64()}");
        Assert.Equal(System.Net.HttpStatusCode.OK, shown.StatusCode);
        await Eventually.ReturnsAsync(() => Task.FromResult(second.Output), output => output.Contains("Kafka lost messages", StringComparison.Ordinal));
        Assert.Contains("every consumer group had finished them: nothing to send again", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("bank_relay_sent_again_total", await again.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    /// <summary>The events of the accounts, with their position in the store.</summary>
    private async Task<List<(string EventId, string StreamId, long Position)>> EventsAsync(IEnumerable<Guid> accounts)
    {
        var rows = await Database.ScalarAsync<string>(
            $"SELECT string_agg(format('%s/%s/%s', id, stream_id, seq_id), ',') FROM bank.mt_events " +
            $"WHERE stream_id IN ({string.Join(", ", accounts.Select(a => $"'{a}'"))})");
        return rows.Split(',').Select(row => row.Split('/')).Select(row => (row[0], row[1], long.Parse(row[2], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Account streams the module's views have not caught up with.</summary>
    /// <summary>Customer streams either module's models have not caught up with.</summary>
    private Task<long> CustomersBehindAsync() =>
        Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM bank.mt_streams s
            WHERE EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'CustomerCreated')
              AND (NOT EXISTS (SELECT 1 FROM customers.mt_doc_customerprofile p WHERE p.id = s.id AND p.mt_version = s.version)
                OR NOT EXISTS (SELECT 1 FROM accounts.mt_doc_accountowner o WHERE o.id = s.id AND o.mt_version = s.version))
            """);

    private Task<long> BehindAsync(string module) =>
        Database.ScalarAsync<long>(
            $"""
            SELECT count(*) FROM bank.mt_streams s
            WHERE EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'AccountOpened')
              AND NOT EXISTS (SELECT 1 FROM {(module == "accounts" ? "accounts.mt_doc_accountview" : "customers.mt_doc_customeraccount")} v
                              WHERE v.id = s.id AND v.mt_version = s.version)
            """);

    /// <summary>Each group's recorded position on each partition of events_Account.</summary>
    private async Task<Dictionary<(string Group, int Partition), long>> PositionsAsync()
    {
        var rows = await Database.ScalarAsync<string>(
            "SELECT coalesce(string_agg(format('%s/%s/%s', data->>'group', data->>'partition', data->>'globalPosition'), ','), '') " +
            "FROM bank.mt_doc_consumerposition WHERE data->>'topic' = 'events_Account'");
        return rows.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(row => row.Split('/'))
            .ToDictionary(row => (row[0], int.Parse(row[1], CultureInfo.InvariantCulture)), row => long.Parse(row[2], CultureInfo.InvariantCulture));
    }
}
