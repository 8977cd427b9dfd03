using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>
/// A mixed load at a steady rate for 60 s (new customers and accounts, deposits, withdrawals): then
/// zero 5xx, every acknowledged command in the store, the models converged and verify passing.
/// </summary>
internal static class Soak
{
    public static async Task RunAsync(Bench bench)
    {
        const int rate = 150;
        var duration = TimeSpan.FromSeconds(bench.Quick ? 15 : 60);
        await using var database = await TestDatabase.CreateAsync();
        using var broker = Bench.StartBroker();
        var settings = Bench.HostSettings(database, broker.BootstrapServers);
        await using var host = await HostProcess.StartAsync(settings);
        using var http = Bench.Client(host);
        var accounts = new ConcurrentBag<Guid>();
        for (var i = 0; i < 20; i++)
        {
            accounts.Add(await http.OpenAccountAsync("EUR", initialDeposit: 100m));
        }

        var statuses = new ConcurrentDictionary<int, int>();
        var random = new Random(42);
        var watch = Stopwatch.StartNew();
        var requests = new List<Task>();
        for (var i = 0; watch.Elapsed < duration; i++)
        {
            // One clock reading: a second could make the wait exactly -1 ms, which Task.Delay takes as forever.
            var wait = TimeSpan.FromSeconds((double)i / rate) - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var roll = random.Next(100);
            var account = accounts.ElementAt(random.Next(Math.Min(accounts.Count, 50)));
            var amount = random.Next(1, 40);
            requests.Add(Task.Run(async () =>
            {
                HttpResponseMessage response;
                if (roll < 5)
                {
                    var customerId = await http.CreateCustomerAsync();
                    response = await http.PostJsonAsync("/accounts", new { customerId, currency = roll % 2 == 0 ? "USD" : "CAD" });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        accounts.Add((await response.JsonAsync()).GetProperty("id").GetGuid());
                    }
                }
                else
                {
                    var operation = roll < 50 ? "deposits" : "withdrawals";
                    response = await http.PostJsonAsync($"/accounts/{account}/{operation}", new { amount, currency = "EUR" });
                }

                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }));
        }

        await Task.WhenAll(requests);
        var held = requests.Count / watch.Elapsed.TotalSeconds;
        var serverErrors = statuses.Where(s => s.Key >= 500).Sum(s => s.Value);
        var (verifyExit, verifyOutput) = await QueryModels.ConvergeAndVerifyAsync(database, settings);
        bench.Add(new Figure("soak", $"commands/s held for {duration.TotalSeconds:0} s (target {rate})", held, "/s"));
        bench.Add(new Figure("soak", "5xx responses", serverErrors, "count"));
        bench.Add(new Figure("soak", "verify differences (0 = models equal the event store)", verifyExit, "exit code"));
        Console.WriteLine($"  statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
        if (verifyExit != 0)
        {
            Console.WriteLine(verifyOutput);
        }
    }
}
