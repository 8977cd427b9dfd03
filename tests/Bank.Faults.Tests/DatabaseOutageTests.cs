using System.Diagnostics;
using System.Net;
using Bank.Testing;
using Npgsql;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>PostgreSQL unreachable: commands fail fast with 503, nothing partial is written, and the host recovers by itself.</summary>
public sealed class DatabaseOutageTests : FaultFixture
{
    [Fact]
    public async Task Commands_fail_fast_with_503_while_the_database_is_away_and_succeed_again_when_it_returns()
    {
        using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = proxy.Port }.ConnectionString;
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["ConnectionStrings:Postgres"] = throughProxy });
        using var client = host.CreateClient();
        var accountId = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        var before = await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type <> 'tombstone'");

        proxy.Cut();
        var watch = Stopwatch.StartNew();
        var deposit = await client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 5m, currency = "EUR" });
        var customer = await client.PostJsonAsync("/customers", new { firstName = "No", lastName = "Database", email = "nodb@example.com" });
        var health = await client.GetAsync("/health");
        watch.Stop();

        var problem = await deposit.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await customer.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"The failing requests took {watch.Elapsed}.");
        Assert.Equal(before, await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type <> 'tombstone'"));

        proxy.Restore();

        var recovered = await Eventually.ReturnsAsync(
            () => client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 5m, currency = "EUR" }),
            response => response.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30));
        Assert.Equal(15m, (await recovered.JsonAsync()).GetProperty("balance").GetDecimal());

        // Every check recovers by itself too, each on its own schedule (the relay's and the consumers' retries back off).
        await Eventually.ReturnsAsync(
            async () =>
            {
                var health = await client.GetAsync("/health");
                return $"{(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}";
            },
            health => health.StartsWith("200", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Query_models_cut_off_from_the_database_while_events_arrive_lose_no_movement()
    {
        using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = proxy.Port }.ConnectionString;
        await using var writer = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["Messaging:ConsumersEnabled"] = "false" });
        await using var reader = await HostProcess.StartAsync(new Dictionary<string, string>(Settings)
        {
            ["ConnectionStrings:Postgres"] = throughProxy,
            ["Relay:Enabled"] = "false",
        });
        using var client = writer.CreateClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 500m));
        }

        await Eventually.ReturnsAsync(
            () => Database.ScalarAsync<long>("SELECT count(*) FROM accounts.mt_doc_accountview WHERE mt_version = 2"),
            applied => applied == accounts.Count,
            TimeSpan.FromSeconds(60));

        var acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var movements = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var (from, to) = (accounts[n % accounts.Count], accounts[(n + 1) % accounts.Count]);
                var response = n % 2 == 0
                    ? await client.PostJsonAsync($"/accounts/{from}/deposits", new { amount = 1m, currency = "EUR" })
                    : await client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 1m, currency = "EUR" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref acknowledged);
            }
        });

        await Eventually.ReturnsAsync(() => Task.FromResult(Volatile.Read(ref acknowledged)), count => count >= 30, TimeSpan.FromSeconds(60));
        proxy.Cut();
        var cutAt = Volatile.Read(ref acknowledged);
        // Cut long enough for the reading instance's consumers to fail on the movements, after their retries, more than once.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Failures(reader.Output)), failures => failures >= 3 && Volatile.Read(ref acknowledged) >= cutAt + 30, TimeSpan.FromSeconds(90));
        proxy.Restore();
        var restoredAt = Volatile.Read(ref acknowledged);
        await Eventually.ReturnsAsync(() => Task.FromResult(Volatile.Read(ref acknowledged)), count => count >= restoredAt + 30, TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await movements;

        // Every movement made while the reading instance could not write is in its models once: none set aside, none doubled.
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_database_that_stops_answering_gets_503s_within_seconds_and_loses_nothing()
    {
        using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(Database.ConnectionString).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Port = proxy.Port }.ConnectionString;
        // This instance relays and consumes through the proxy; the other one keeps taking movements straight to PostgreSQL,
        // so that events wait on both sides of the hung instance: to be relayed, and to be written into query models.
        await using var hung = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["ConnectionStrings:Postgres"] = throughProxy });
        await using var direct = await HostProcess.StartAsync(new Dictionary<string, string>(Settings)
        {
            ["Relay:Enabled"] = "false",
            ["Messaging:ConsumersEnabled"] = "false",
        });
        using var hungClient = hung.CreateClient();
        using var client = direct.CreateClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 100m));
        }

        await hungClient.GetShownAsync($"/accounts/{accounts[^1]}?minVersion=2");
        using var stop = new CancellationTokenSource();
        var movements = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var response = await client.PostJsonAsync($"/accounts/{accounts[n % accounts.Count]}/deposits", new { amount = 1m, currency = "EUR" });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await Task.Delay(20);
            }
        });

        proxy.Hang();
        var hungAt = Stopwatch.StartNew();
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => hungClient.PostJsonAsync($"/accounts/{accounts[0]}/deposits", new { amount = 5m, currency = "EUR" }),
            () => hungClient.GetAsync($"/accounts/{accounts[1]}"),
            () => hungClient.PostJsonAsync("/customers", new { firstName = "Hung", lastName = "Database", email = "hung@example.com" }),
        };
        var answers = await Task.WhenAll(requests.Select(async request =>
        {
            var watch = Stopwatch.StartNew();
            var response = await request();
            return (Response: response, Took: watch.Elapsed);
        }));

        foreach (var (response, took) in answers)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("database", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.NotNull(response.Headers.RetryAfter);
            // The statement bound (Command Timeout=5) plus a connection's (Timeout=5), never the client's 30 s.
            Assert.True(took < TimeSpan.FromSeconds(15), $"A request took {took} while the database hung.");
        }

        // Hung for longer than the connection timeout, so that new connections time out too.
        var again = await hungClient.PostJsonAsync($"/accounts/{accounts[0]}/deposits", new { amount = 5m, currency = "EUR" });
        await again.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(hungAt.Elapsed > TimeSpan.FromSeconds(5), $"The database hung for {hungAt.Elapsed} only.");
        proxy.Resume();

        await Eventually.ReturnsAsync(
            () => hungClient.PostJsonAsync($"/accounts/{accounts[2]}/deposits", new { amount = 5m, currency = "EUR" }),
            response => response.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await movements;

        // Every movement of both instances reaches both modules' models once, whatever the hung instance was doing.
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    private static int Failures(string output) =>
        output.Split('\n').Count(line => line.Contains("could not write the query models", StringComparison.Ordinal)
            || line.Contains("after its retries", StringComparison.Ordinal));
}
