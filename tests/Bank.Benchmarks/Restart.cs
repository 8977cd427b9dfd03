using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Bank.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Benchmarks;

/// <summary>
/// A restart with the default setup (the host's own memory-only broker) on a store of 100,000 events: for a deposit made
/// the moment <c>/health</c> answers, the time from its answer to the first read that shows it (<c>?minVersion</c>),
/// and how many events the relay sent again, after a clean stop and after a SIGKILL in the middle of a load. The baseline is the same start on
/// an empty store.
/// </summary>
internal static partial class Restart
{
    public static async Task RunAsync(Bench bench)
    {
        var (accounts, eventsPerAccount) = bench.Quick ? (100, 100) : (1000, 100);

        var empty = await FirstFreshReadOnEmptyStoreAsync();
        bench.Add(new Figure("restart", "deposit at /health to fresh read, empty store", empty.TotalMilliseconds, "ms"));

        await using var database = await TestDatabase.CreateAsync();
        List<Guid> seeded;
        await using (var services = Bench.EventStore(database))
        {
            var store = services.GetRequiredService<IDocumentStore>();
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            seeded = await Bench.SeedAccountsAsync(store, accounts, eventsPerAccount);
        }

        var stored = await Bench.ScalarAsync(database, "SELECT count(*) FROM bank.mt_events");
        Console.WriteLine($"  {stored:N0} events in the store; the first start relays and consumes them all");
        var settings = Settings(database);
        await using (var first = await HostProcess.StartAsync(settings))
        {
            await CaughtUpAsync(database, TimeSpan.FromMinutes(10));
            await first.StopAsync();
        }

        var clean = await RestartAsync(settings, seeded[0]);
        bench.Add(new Figure("restart", $"deposit at /health to fresh read, {stored:N0} events, clean stop", clean.FirstRead.TotalMilliseconds, "ms",
            "empty store", empty.TotalMilliseconds));
        bench.Add(new Figure("restart", "events sent again after a clean stop", clean.SentAgain, "events", "events stored", stored));

        // A SIGKILL in the middle of deposits at about 200/s: the consumers are behind by whatever was in flight.
        await using (var victim = await HostProcess.StartAsync(settings))
        {
            using var http = Bench.Client(victim);
            var load = Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    try
                    {
                        await http.PostJsonAsync($"/accounts/{seeded[i % seeded.Count]}/deposits", new { amount = 1m, currency = "EUR" });
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }

                    await Task.Delay(5);
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(5));
            victim.Kill();
            await load;
        }

        var killed = await RestartAsync(settings, seeded[1]);
        bench.Add(new Figure("restart", $"deposit at /health to fresh read, {stored:N0} events, SIGKILL under load", killed.FirstRead.TotalMilliseconds, "ms",
            "empty store", empty.TotalMilliseconds));
        bench.Add(new Figure("restart", "events sent again after a SIGKILL under load", killed.SentAgain, "events", "events stored", stored));
    }

    private static async Task<TimeSpan> FirstFreshReadOnEmptyStoreAsync()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = Settings(database);
        Guid account;
        await using (var host = await HostProcess.StartAsync(settings))
        {
            using var http = Bench.Client(host);
            account = await http.OpenAccountAsync("EUR");
            await http.GetShownAsync($"/accounts/{account}?minVersion=1");
            await host.StopAsync();
        }

        return (await RestartAsync(settings, account)).FirstRead;
    }

    /// <summary>Starts the host, deposits the moment <c>/health</c> answers, and times the read that shows it.</summary>
    private static async Task<(TimeSpan FirstRead, long SentAgain)> RestartAsync(Dictionary<string, string> settings, Guid account)
    {
        var started = Stopwatch.StartNew();
        await using var host = await HostProcess.StartAsync(settings);
        var healthy = started.Elapsed;
        using var http = Bench.Client(host);
        var watch = Stopwatch.StartNew();
        var deposit = await (await http.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).JsonAsync();
        var version = deposit.GetProperty("version").GetInt64();
        var answered = watch.Elapsed;
        watch.Restart();
        while (await http.GetAsync($"/accounts/{account}?minVersion={version}") is { StatusCode: not HttpStatusCode.OK } read)
        {
            // 503 after QueryModels:MaxWait is asked again; anything else is a failure of the product.
            if (read.StatusCode != HttpStatusCode.ServiceUnavailable || watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"The fresh read answered {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
            }
        }

        var firstRead = watch.Elapsed;
        var metrics = await http.GetStringAsync("/metrics");
        var sentAgain = SentAgain().Match(metrics) is { Success: true } match ? (long)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        Console.WriteLine(
            $"  /health answered {healthy.TotalSeconds:0.0} s after the start; the deposit answered {answered.TotalMilliseconds:N0} ms later " +
            $"and showed {firstRead.TotalMilliseconds:N0} ms after that; {sentAgain:N0} event(s) sent again");
        await host.StopAsync();
        return (firstRead, sentAgain);
    }

    private static Dictionary<string, string> Settings(TestDatabase database) => new()
    {
        ["ConnectionStrings:Postgres"] = database.ConnectionString,
        // The embedded broker keeps 5 MB a partition: enough partitions that it holds the whole history.
        ["Kafka:Partitions"] = Bench.Partitions.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Every stream's events are in both modules' query models.</summary>
    private static async Task CaughtUpAsync(TestDatabase database, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await Bench.ScalarAsync(database, QueryModels.BehindSql) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The query models did not catch up with the store.");
            }

            await Task.Delay(500);
        }
    }

    [GeneratedRegex(@"^bank_relay_sent_again_total(?:\{[^}]*\})? ([0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex SentAgain();
}
