using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>The operator console's page and API: for operators only, and its rebuild runs the real one and reports it.</summary>
public sealed class OperatorConsoleApiTests(BankHost host) : IClassFixture<BankHost>
{
    [Fact]
    public async Task The_page_ships_with_the_host_and_loads_nothing_from_elsewhere()
    {
        using var anonymous = host.CreateApiClient().As(null);

        var page = await anonymous.GetAsync("/ops");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/ops/api/status", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_status_is_for_operators_only()
    {
        using var anonymous = host.CreateApiClient().As(null);
        using var customer = host.CreateApiClient().As(TestTokens.Customer(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/ops/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync("/ops/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostJsonAsync("/ops/api/rebuilds", new { module = "customers" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostJsonAsync("/ops/api/parked/replay", new { group = "accounts", key = "k" })).StatusCode);
    }

    [Fact]
    public async Task The_status_shows_the_relay_and_this_instance_with_its_version_and_uptime()
    {
        using var client = host.CreateApiClient();
        await client.OpenAccountAsync("EUR", initialDeposit: 10m);

        var status = await Eventually.ReturnsAsync(
            async () => await (await client.GetAsync("/ops/api/status")).JsonAsync(),
            // The instance says every two seconds what it holds; the relay is elected shortly after the start.
            s => s.GetProperty("instances").GetArrayLength() == 1 && s.GetProperty("instances")[0].GetProperty("relays").GetBoolean()
                && s.GetProperty("relay").GetProperty("highWaterMark").ValueKind == System.Text.Json.JsonValueKind.Number
                && s.GetProperty("relay").GetProperty("highWaterMark").GetInt64() >= 2,
            TimeSpan.FromSeconds(30));

        var instance = status.GetProperty("instances")[0];
        Assert.Equal(status.GetProperty("instance").GetString(), instance.GetProperty("id").GetString());
        Assert.StartsWith("1.0.0", instance.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.True(instance.GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.True(instance.GetProperty("relays").GetBoolean());
        Assert.Equal(instance.GetProperty("id").GetString(), status.GetProperty("relay").GetProperty("instance").GetString());
        Assert.Equal(["customers", "accounts"], status.GetProperty("modules").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_rebuild_started_from_the_console_runs_once_at_a_time_and_reports_how_it_ended()
    {
        using var client = host.CreateApiClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        await client.GetShownAsync($"/accounts/{account}?minVersion=2");

        var unknown = await client.PostJsonAsync("/ops/api/rebuilds", new { module = "loans" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'loans' is not a module", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var otherRebuild = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(host.Database.ConnectionString) { Pooling = false }.ConnectionString))
        {
            // Another instance, or the rebuild command, holds the module's rebuild lock.
            await otherRebuild.OpenAsync();
            await using var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(11953, hashtext('accounts'))", otherRebuild);
            await hold.ExecuteNonQueryAsync();
            var refused = await client.PostJsonAsync("/ops/api/rebuilds", new { module = "accounts" });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("being rebuilt already", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Released here rather than by closing the connection: its backend may end, and let go, only a moment later.
            await using var release = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(11953, hashtext('accounts'))", otherRebuild);
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/ops/api/rebuilds", new { module = "accounts" })).StatusCode);
        var status = await Eventually.ReturnsAsync(
            async () => await (await client.GetAsync("/ops/api/status")).JsonAsync(),
            s => s.GetProperty("rebuilds").EnumerateArray().Any(r => r.GetProperty("module").GetString() == "accounts" && r.GetProperty("finishedAt").ValueKind != System.Text.Json.JsonValueKind.Null),
            TimeSpan.FromSeconds(60));

        var run = status.GetProperty("rebuilds").EnumerateArray().First(r => r.GetProperty("module").GetString() == "accounts");
        Assert.StartsWith("Rebuilt accounts:", run.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.Equal(run.GetProperty("last").GetInt64(), run.GetProperty("position").GetInt64());
        Assert.Equal("operator operator", run.GetProperty("startedBy").GetString());
        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=2");
        Assert.Equal(10m, shown.GetProperty("balance").GetDecimal());
    }

    [Theory]
    [InlineData("/ops/api/parked/replay", "{\"group\":\"loans\",\"key\":\"k\"}", HttpStatusCode.BadRequest, "'loans' is not a consumer group")]
    [InlineData("/ops/api/parked/discard", "{\"group\":\"accounts\"}", HttpStatusCode.BadRequest, "A key is required.")]
    [InlineData("/ops/api/parked/replay", "{\"group\":\"accounts\",\"key\":\"nothing-parked\"}", HttpStatusCode.Conflict, "No key 'nothing-parked' is parked")]
    [InlineData("/ops/api/parked/discard", "{\"group\":\"accounts\",\"key\":\"k\",\"eventId\":\"not-a-guid\"}", HttpStatusCode.BadRequest, "")]
    [InlineData("/ops/api/rebuilds", "{\"module\":", HttpStatusCode.BadRequest, "")]
    public async Task Actions_refuse_bad_input_with_a_problem_and_change_nothing(string path, string body, HttpStatusCode expected, string detail)
    {
        using var client = host.CreateApiClient();

        var answer = await client.PostJsonAsync(path, body);

        Assert.Equal(expected, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
