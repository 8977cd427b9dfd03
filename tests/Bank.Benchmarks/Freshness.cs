using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>
/// Freshness as a client sees it: deposits sent open loop over 64 accounts with the host's own embedded broker and bearer
/// tokens, every fifth read back at once with <c>?minVersion</c> of the version its answer gave, timed from sending the
/// deposit to the read that shows it. Unloaded (one deposit every 100 ms, each read back), then at 200/s and 400/s (20 s of
/// warm-up, then a 30 s window each). Beside each, in the same window: the deposit's own answer, which is what a client
/// waits for without a read.
/// </summary>
internal static class Freshness
{
    public static async Task RunAsync(Bench bench)
    {
        var window = TimeSpan.FromSeconds(bench.Quick ? 10 : 30);
        await using var database = await TestDatabase.CreateAsync();
        await using var host = await Bench.StartHostWithOwnBrokerAsync(database);
        using var http = Bench.Client(host);
        var probe = new ReadBackProbe(http, await EndToEndLag.OpenAccountsAsync(http, 64));
        await probe.RunAsync(200, TimeSpan.FromSeconds(bench.Quick ? 5 : 20), readEvery: 5);

        var unloaded = await probe.OneAtATimeAsync(bench.Quick ? 30 : 100, TimeSpan.FromMilliseconds(100));
        bench.Add(new Figure("fresh", "read-back p50 unloaded (one deposit every 100 ms)", unloaded.Shown.Percentile(50), "ms", "the deposit's answer", unloaded.Answered.Percentile(50)));
        foreach (var rate in new[] { 200, 400 })
        {
            var run = await probe.RunAsync(rate, window, readEvery: 5);
            Console.WriteLine($"  {rate}/s: {run.Held:N0}/s held, {run.Shown.Count} read back, {run.Failed} failed");
            bench.Add(new Figure("fresh", $"deposits/s held at {rate}/s offered", run.Held, "/s"));
            bench.Add(new Figure("fresh", $"read-back p50 at {rate}/s", run.Shown.Percentile(50), "ms", "the deposit's answer", run.Answered.Percentile(50)));
            bench.Add(new Figure("fresh", $"read-back p99 at {rate}/s", run.Shown.Percentile(99), "ms", "the deposit's answer", run.Answered.Percentile(99)));
            bench.Add(new Figure("fresh", $"read-back max at {rate}/s", run.Shown.Percentile(100), "ms", "the deposit's answer", run.Answered.Percentile(100)));
            bench.Add(new Figure("fresh", $"deposits or reads failed at {rate}/s", run.Failed, ""));
        }
    }

    private sealed record Run(double Held, Latencies Answered, Latencies Shown, int Failed);

    /// <summary>Deposits of 1 EUR on random accounts, some read back with <c>?minVersion</c>.</summary>
    private sealed class ReadBackProbe(HttpClient http, List<Guid> accounts)
    {
        public async Task<Run> RunAsync(int rate, TimeSpan duration, int readEvery)
        {
            var (answered, shown, failed) = (new Latencies(), new Latencies(), new StrongBox<int>());
            var held = await OpenLoop.RunAsync(rate, (int)(rate * duration.TotalSeconds), i => DepositAsync(readBack: i % readEvery == 0, answered, shown, failed));
            return new Run(held, answered, shown, failed.Value);
        }

        public async Task<Run> OneAtATimeAsync(int count, TimeSpan every)
        {
            var (answered, shown, failed) = (new Latencies(), new Latencies(), new StrongBox<int>());
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await DepositAsync(readBack: true, answered, shown, failed);
                var rest = every - Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest);
                }
            }

            return new Run(count / (count * every.TotalSeconds), answered, shown, failed.Value);
        }

        private async Task DepositAsync(bool readBack, Latencies answered, Latencies shown, StrongBox<int> failed)
        {
            var account = accounts[Random.Shared.Next(accounts.Count)];
            var started = Stopwatch.GetTimestamp();
            using var deposit = await http.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" });
            if (!deposit.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed.Value);
                return;
            }

            answered.Add(Stopwatch.GetElapsedTime(started));
            if (!readBack)
            {
                return;
            }

            var version = (await deposit.JsonAsync()).GetProperty("version").GetInt64();
            using var read = await http.GetAsync($"/accounts/{account}?minVersion={version}");
            if (read.StatusCode == HttpStatusCode.OK)
            {
                shown.Add(Stopwatch.GetElapsedTime(started));
            }
            else
            {
                Interlocked.Increment(ref failed.Value);
            }
        }
    }
}
