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
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
