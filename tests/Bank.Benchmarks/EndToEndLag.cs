using System.Diagnostics;
using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>
/// Lag from a command's commit to the query models updated, at a steady 200 deposits/s, each on an
/// account of its own (so that a document's last-modified time belongs to that one deposit). Both
/// times come from PostgreSQL's clock.
/// </summary>
internal static class EndToEndLag
{
    private const int Rate = 200;

    public static async Task RunAsync(Bench bench)
    {
        var seconds = bench.Quick ? 5 : 15;
        var count = Rate * seconds;
        await using var database = await TestDatabase.CreateAsync();
        using var broker = Bench.StartBroker();
        await using var host = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers));
        using var http = Bench.Client(host);
        var customerId = await http.CreateCustomerAsync();
        var accounts = new List<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < count / 8; i++)
            {
                var response = await http.PostJsonAsync("/accounts", new { customerId, currency = "EUR" });
                var id = (await response.JsonAsync()).GetProperty("id").GetGuid();
                lock (accounts)
                {
                    accounts.Add(id);
                }
            }
        })));
        await WaitForModelsAsync(database, 1);

        // Unloaded first: one deposit every 100 ms, each waited for.
        var unloaded = accounts.Take(bench.Quick ? 30 : 100).ToList();
        foreach (var account in unloaded)
        {
            var started = Stopwatch.GetTimestamp();
            await http.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" });
            var rest = TimeSpan.FromMilliseconds(100) - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }

        await WaitForModelsAsync(database, 2, unloaded.Count);
        foreach (var (module, table) in Tables)
        {
            var lags = new Latencies();
            lags.AddRange(await LagsAsync(database, table));
            bench.Add(new Figure("lag", $"{module} model lag p50 unloaded (one deposit every 100 ms)", lags.Percentile(50), "ms"));
        }

        accounts = accounts.Skip(unloaded.Count).ToList();
        var watch = Stopwatch.StartNew();
        var requests = new List<Task>();
        for (var i = 0; i < accounts.Count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / Rate);
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed);
            }

            var account = accounts[i];
            requests.Add(http.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" }));
        }

        await Task.WhenAll(requests);
        var held = accounts.Count / watch.Elapsed.TotalSeconds;
        await WaitForModelsAsync(database, 2);

        foreach (var (module, table) in Tables)
        {
            var lags = new Latencies();
            lags.AddRange((await LagsAsync(database, table)).Skip(unloaded.Count));
            bench.Add(new Figure("lag", $"{module} model lag p50 at {held:N0} deposits/s", lags.Percentile(50), "ms"));
            bench.Add(new Figure("lag", $"{module} model lag p99 at {held:N0} deposits/s", lags.Percentile(99), "ms"));
            bench.Plot("End-to-end lag (ms) at 200 deposits/s", module, 50, lags.Percentile(50));
            bench.Plot("End-to-end lag (ms) at 200 deposits/s", module, 99, lags.Percentile(99));
        }
    }

    private static readonly (string Module, string Table)[] Tables =
        [("accounts", "accounts.mt_doc_accountview"), ("customers", "customers.mt_doc_customeraccount")];

    /// <summary>Waits until every account view (or only <paramref name="upTo"/> of them) has reached <paramref name="version"/>.</summary>
    private static Task WaitForModelsAsync(TestDatabase database, long version, long? upTo = null) =>
        Eventually.ReturnsAsync(
            () => database.ScalarAsync<long>(
                $"SELECT (SELECT count(*) FROM accounts.mt_doc_accountview WHERE mt_version >= {version}) + (SELECT count(*) FROM customers.mt_doc_customeraccount WHERE mt_version >= {version}) " +
                $"- 2 * least((SELECT count(*) FROM bank.mt_events WHERE type = 'AccountOpened'), {upTo ?? long.MaxValue})"),
            ahead => ahead >= 0,
            TimeSpan.FromMinutes(5));

    private static async Task<List<double>> LagsAsync(TestDatabase database, string table)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT extract(epoch FROM (v.mt_last_modified - e.timestamp)) * 1000 FROM {table} v " +
            "JOIN bank.mt_events e ON e.stream_id = v.id AND e.version = v.mt_version WHERE e.type = 'MoneyDeposited' ORDER BY e.seq_id",
            connection);
        var lags = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lags.Add((double)reader.GetDecimal(0));
        }

        return lags;
    }
}
