using System.Globalization;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>A memory-only broker that restarts empty is refilled from the lowest position any consumer group finished.</summary>
public sealed class BrokerRestartTests : FaultFixture
{
    [Fact]
    public async Task A_broker_that_restarts_empty_gets_back_every_event_after_the_lowest_position_of_any_group_on_any_partition()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var accounts = new List<Guid>();
        while (accounts.Select(a => KeyPartitions.PartitionOf(a.ToString("D"), 6)).Distinct().Count() < 6)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m));
        }

        await Eventually.ReturnsAsync(() => BehindAsync("customers"), behind => behind == 0, TimeSpan.FromSeconds(30));

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
        var positions = await Eventually.ReturnsAsync(
            PositionsAsync,
            recorded => Enumerable.Range(0, 6).All(p => recorded.GetValueOrDefault(("accounts", p)) > recorded.GetValueOrDefault(("customers", p))),
            TimeSpan.FromSeconds(30));
        var lowest = Enumerable.Range(0, 6).Min(p => positions.GetValueOrDefault(("customers", p)));

        RestartBrokerEmpty();

        // Every account event after the lowest position is in the topic again, those the accounts group had finished too.
        var expected = (await Database.ScalarAsync<string>(
            $"SELECT string_agg(id::text, ',') FROM bank.mt_events WHERE seq_id > {lowest} AND stream_id IN ({string.Join(", ", accounts.Select(a => $"'{a}'"))})"))
            .Split(',');
        var refilled = await TopicReader.ReadEventsAsync(Broker.BootstrapServers, "events_Account", expected.Length, TimeSpan.FromSeconds(60));
        Assert.Empty(expected.Except(refilled.Select(m => m.Headers[EventHeaders.EventId])));

        await Database.ScalarAsync<int>("DROP TRIGGER refuse_all ON customers.mt_doc_customeraccount; SELECT 0");
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    /// <summary>Account streams the module's views have not caught up with.</summary>
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
