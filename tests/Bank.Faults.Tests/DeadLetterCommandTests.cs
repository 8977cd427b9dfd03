using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary><c>Bank.Host dead-letters</c> against a running host: a poison message parks its account until an operator acts.</summary>
public sealed class DeadLetterCommandTests : FaultFixture
{
    [Fact]
    public async Task A_poison_message_ahead_of_an_accounts_next_event_parks_the_account_until_it_is_discarded_and_the_rest_replayed()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var (account, poison) = await ParkAnAccountAsync(client);

        var (_, listed) = await Eventually.ReturnsAsync(
            () => HostProcess.RunCommandAsync(Settings, "dead-letters"),
            run => run.Output.Contains("2 key(s) parked.", StringComparison.Ordinal) && !run.Output.Contains(": 1 event(s)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        Assert.Contains($"accounts events_Account {account}: 2 event(s) set aside; first at version 3, event {poison}", listed, StringComparison.Ordinal);
        Assert.Contains($"customers events_Account {account}: 2 event(s) set aside; first at version 3, event {poison}", listed, StringComparison.Ordinal);
        Assert.Equal(2, (await (await client.GetAsync($"/accounts/{account}")).JsonAsync()).GetProperty("version").GetInt64());
        var health = await Eventually.ReturnsAsync(
            async () => await (await client.GetAsync("/health")).JsonAsync(),
            h => h.GetProperty("checks").GetProperty("parked-keys").GetProperty("description").GetString()!.StartsWith("2 key(s) parked", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("parked-keys").GetProperty("status").GetString());
        var metrics = await client.GetStringAsync("/metrics");
        Assert.True(
            metrics.Split('\n').Any(line => line.StartsWith("bank_parked_keys{", StringComparison.Ordinal)
                && line.Contains("group=\"accounts\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal)),
            metrics);

        var (discardExit, discarded) = await HostProcess.RunCommandAsync(Settings, "dead-letters", "discard", "--key", account.ToString(), "--event", poison.ToString());
        Assert.True(discardExit == 0, discarded);
        Assert.Contains("2 parked message(s) discarded", discarded, StringComparison.Ordinal);
        var (replayExit, replayed) = await HostProcess.RunCommandAsync(Settings, "dead-letters", "replay");
        Assert.True(replayExit == 0, replayed);
        Assert.Contains("2 of 2 key(s) un-parked.", replayed, StringComparison.Ordinal);

        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal((15m, 3L), (shown.GetProperty("balance").GetDecimal(), shown.GetProperty("version").GetInt64()));
        var (againExit, again) = await HostProcess.RunCommandAsync(Settings, "dead-letters", "replay");
        Assert.Equal(0, againExit);
        Assert.Contains("No parked key matches.", again, StringComparison.Ordinal);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);

        // The account flows again.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
        Assert.Equal(16m, (await client.GetShownAsync($"/accounts/{account}?minVersion=4")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task A_parked_account_stays_parked_across_a_host_restart()
    {
        Guid account;
        await using (var host = await HostProcess.StartAsync(Settings))
        {
            using var client = host.CreateClient();
            account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
            await client.GetShownAsync($"/accounts/{account}?minVersion=2");
            await ProducePoisonAsync(account, version: 3);
            await Eventually.ReturnsAsync(() => ParkedAsync(account), parked => parked == 2, TimeSpan.FromSeconds(60));
            await host.StopAsync();
        }

        await using var restarted = await HostProcess.StartAsync(Settings);
        using var restartedClient = restarted.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await restartedClient.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 5m, currency = "EUR" })).StatusCode);

        await Eventually.ReturnsAsync(() => ParkedAsync(account), parked => parked == 4, TimeSpan.FromSeconds(60));
        Assert.Equal(2, (await (await restartedClient.GetAsync($"/accounts/{account}")).JsonAsync()).GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("discard")]
    [InlineData("discard", "--key", "k", "--event", "not-a-guid")]
    [InlineData("replay", "--group")]
    [InlineData("replay", "--group", "no-such-group")]
    [InlineData("list", "--key", "k")]
    public async Task Bad_arguments_exit_with_2_and_the_usage(params string[] args)
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(Settings, ["dead-letters", .. args]);

        Assert.True(exitCode == 2, output);
        Assert.True(output.Contains("Usage: Bank.Host dead-letters", StringComparison.Ordinal) || output.Contains("Unknown consumer group", StringComparison.Ordinal), output);
    }

    private Task<long> ParkedAsync(Guid account) =>
        Database.ScalarAsync<long>($"SELECT count(*) FROM bank.mt_doc_parkedmessage WHERE data->>'key' = '{account}'");
}
