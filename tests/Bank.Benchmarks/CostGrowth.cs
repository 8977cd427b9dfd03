using Bank.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Benchmarks;

/// <summary>Deposit latency on accounts whose streams hold 10, 10,000 and 100,000 events: a command must not replay history.</summary>
internal static class CostGrowth
{
    public static async Task RunAsync(Bench bench)
    {
        var samples = bench.Quick ? 100 : 400;
        await using var database = await TestDatabase.CreateAsync();
        var lengths = new[] { 10, 10_000, 100_000 };
        var accounts = new Dictionary<int, Guid>();
        await using (var services = Bench.EventStore(database))
        {
            var store = services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            foreach (var length in lengths)
            {
                accounts[length] = (await Bench.SeedAccountsAsync(store, 1, length))[0];
            }
        }

        // Relay and consumers off: the figure is the command's own cost.
        await using var host = await HostProcess.StartAsync(Bench.HostSettings(
            database, "127.0.0.1:1", ("Relay:Enabled", "false"), ("Messaging:Transport", "InMemory")));
        using var http = Bench.Client(host);
        var p50 = new Dictionary<int, double>();
        for (var round = 0; round < 2; round++)
        {
            // The first round warms up; the second is measured, interleaving the accounts so that noise hits all alike.
            var latencies = lengths.ToDictionary(l => l, _ => new Latencies());
            for (var i = 0; i < samples; i++)
            {
                foreach (var length in lengths)
                {
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var response = await http.PostJsonAsync($"/accounts/{accounts[length]}/deposits", new { amount = 1m, currency = "EUR" });
                    response.EnsureSuccessStatusCode();
                    latencies[length].Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                }
            }

            p50 = lengths.ToDictionary(l => l, l => latencies[l].Percentile(50));
            if (round == 1)
            {
                foreach (var length in lengths)
                {
                    bench.Add(new Figure("growth", $"deposit p50, stream of {length:N0} events", p50[length], "ms", "10 events", p50[10]));
                    bench.Plot("Deposit latency (ms) by stream length", "p50", length, p50[length]);
                    bench.Plot("Deposit latency (ms) by stream length", "p99", length, latencies[length].Percentile(99));
                }
            }
        }
    }
}
