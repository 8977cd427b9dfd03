using Bank.Accounts.Contracts;
using Bank.Testing;
using Npgsql;

namespace Bank.Benchmarks;

/// <summary>
/// Deposits through HTTP at 1, 8 and 32 clients over many accounts, next to appending the same event
/// straight through Marten, a plain single-row insert through Npgsql and the same insert from pgbench, at the same concurrency.
/// Also the host's peak working set.
/// </summary>
internal static class WritePath
{
    public static async Task RunAsync(Bench bench)
    {
        var duration = TimeSpan.FromSeconds(bench.Quick ? 4 : 15);
        await using var database = await TestDatabase.CreateAsync();
        using var broker = Bench.StartBroker();
        await using var host = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers));
        using var http = Bench.Client(host);
        var accounts = new List<Guid>();
        var customerId = await http.CreateCustomerAsync();
        for (var i = 0; i < 256; i++)
        {
            var response = await http.PostJsonAsync("/accounts", new { customerId, currency = "EUR" });
            accounts.Add((await response.JsonAsync()).GetProperty("id").GetGuid());
        }

        using var rawMarten = await Bench.BareEventStoreAsync(database, "bench_marten");
        var rawStreams = Enumerable.Range(0, 256).Select(_ => Guid.CreateVersion7()).ToList();
        await using var npgsql = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var create = npgsql.CreateCommand("CREATE TABLE bench_rows (id uuid PRIMARY KEY, account uuid NOT NULL, amount numeric NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var grouped = new Dictionary<int, (double Rate, Latencies Latency)>();
        foreach (var clients in new[] { 1, 8, 32 })
        {
            // Each client works on accounts of its own, so the figure is throughput, not lock contention.
            Guid AccountOf(List<Guid> pool, int client, long n) => pool[(int)((client + (n * clients)) % pool.Count)];

            var (httpRate, httpLatency) = await Load.ClosedLoopAsync(clients, duration, async (client, n) =>
            {
                var response = await http.PostJsonAsync($"/accounts/{AccountOf(accounts, client, n)}/deposits", new { amount = 1m, currency = "EUR" });
                response.EnsureSuccessStatusCode();
            });
            var (martenRate, martenLatency) = await Load.ClosedLoopAsync(clients, duration, async (client, n) =>
            {
                await using var session = rawMarten.LightweightSession();
                var stream = AccountOf(rawStreams, client, n);
                session.Events.Append(stream, new MoneyDeposited(stream, 1m, "EUR", 1m, "EUR", 1m, n));
                await session.SaveChangesAsync();
            });
            var (insertRate, insertLatency) = await Load.ClosedLoopAsync(clients, duration, async (client, n) =>
            {
                await using var command = npgsql.CreateCommand("INSERT INTO bench_rows (id, account, amount) VALUES ($1, $2, 1)");
                command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
                command.Parameters.Add(new NpgsqlParameter { Value = AccountOf(rawStreams, client, n) });
                await command.ExecuteNonQueryAsync();
            });

            var pgbenchRate = await PostgreSql.PgbenchInsertsAsync(database.ConnectionString, "bench_rows", clients, duration);

            grouped[clients] = (httpRate, httpLatency);
            bench.Add(new Figure("write", $"HTTP deposits/s, {clients} clients", httpRate, "/s", "Marten append", martenRate));
            bench.Add(new Figure("write", $"Marten appends/s, {clients} clients", martenRate, "/s", "Npgsql insert", insertRate));
            bench.Add(new Figure("write", $"Npgsql inserts/s, {clients} clients", insertRate, "/s", "pgbench insert", pgbenchRate));
            bench.Add(new Figure("write", $"HTTP deposits/s against pgbench, {clients} clients", httpRate, "/s", "pgbench insert", pgbenchRate));
            bench.Add(new Figure("write", $"HTTP deposit p50, {clients} clients", httpLatency.Percentile(50), "ms", "Marten append p50", martenLatency.Percentile(50)));
            bench.Add(new Figure("write", $"HTTP deposit p99, {clients} clients", httpLatency.Percentile(99), "ms", "Marten append p99", martenLatency.Percentile(99)));
            bench.Add(new Figure("write", $"Npgsql insert p50 / p99, {clients} clients", insertLatency.Percentile(50), "ms"));
            foreach (var (series, latencies) in new[] { ("HTTP deposit", httpLatency), ("Marten append", martenLatency), ("Npgsql insert", insertLatency) })
            {
                bench.Plot("Write latency p50 (ms) by clients", $"{series} p50", clients, latencies.Percentile(50));
                bench.Plot("Write latency p99 (ms) by clients", $"{series} p99", clients, latencies.Percentile(99));
            }
        }

        bench.Add(new Figure("memory", "host peak working set", host.PeakWorkingSetBytes / 1024.0 / 1024.0, "MB"));
        await host.DisposeAsync();

        // What group commit gives: the same deposits, right after, with every command in a transaction of its own.
        await using var ungrouped = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers, ("Commands:GroupCommit", "false")));
        using var ungroupedHttp = Bench.Client(ungrouped);
        foreach (var clients in new[] { 8, 32 })
        {
            var (rate, latency) = await Load.ClosedLoopAsync(clients, duration, async (client, n) =>
            {
                var response = await ungroupedHttp.PostJsonAsync($"/accounts/{accounts[(int)((client + (n * clients)) % accounts.Count)]}/deposits", new { amount = 1m, currency = "EUR" });
                response.EnsureSuccessStatusCode();
            });
            bench.Add(new Figure("write", $"HTTP deposits/s, {clients} clients, group commit", grouped[clients].Rate, "/s", "group commit off", rate));
            bench.Add(new Figure("write", $"HTTP deposit p99, {clients} clients, group commit", grouped[clients].Latency.Percentile(99), "ms", "group commit off p99", latency.Percentile(99)));
        }
        await ungrouped.DisposeAsync();

        // Where the time goes: the same commands on a host that neither relays nor projects them.
        await using var commandsOnly = await HostProcess.StartAsync(Bench.HostSettings(
            database, broker.BootstrapServers, ("Relay:Enabled", "false"), ("Messaging:ConsumersEnabled", "false")));
        using var commandsHttp = Bench.Client(commandsOnly);
        var (onlyRate, onlyLatency) = await Load.ClosedLoopAsync(8, duration, async (client, n) =>
        {
            var response = await commandsHttp.PostJsonAsync($"/accounts/{accounts[(int)((client + (n * 8)) % accounts.Count)]}/deposits", new { amount = 1m, currency = "EUR" });
            response.EnsureSuccessStatusCode();
        });
        bench.Add(new Figure("write", "HTTP deposits/s, 8 clients, relay and consumers off", onlyRate, "/s"));
        bench.Add(new Figure("write", "HTTP deposit p99, 8 clients, relay and consumers off", onlyLatency.Percentile(99), "ms"));
    }
}
