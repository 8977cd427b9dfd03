using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>
/// What <c>/health</c> says of the relay's backlog: how many committed events wait, Degraded once the oldest has waited a few
/// seconds, Unhealthy (503) once nothing was relayed for <c>Relay:StalledAfter</c> while events wait, and Healthy again
/// once they are relayed.
/// </summary>
public sealed class RelayHealthTests : FaultFixture
{
    [Fact]
    public async Task Events_that_nobody_relays_are_counted_then_degrade_health_then_make_it_unhealthy_until_relayed()
    {
        await using var apiOnly = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["Relay:Enabled"] = "false", ["Relay:StalledAfter"] = "00:00:12" });
        using var client = apiOnly.CreateClient();
        await client.OpenAccountAsync("EUR", initialDeposit: 5m);

        var waiting = await Eventually.ReturnsAsync(() => KafkaCheckAsync(client), kafka => kafka.Description.StartsWith("3 committed event(s)", StringComparison.Ordinal));
        Assert.Equal("Healthy", waiting.Status);
        var behind = await Eventually.ReturnsAsync(() => KafkaCheckAsync(client), kafka => kafka.Status != "Healthy", TimeSpan.FromSeconds(20));
        Assert.Equal("Degraded", behind.Status);
        Assert.StartsWith("The relay is behind: 3 committed event(s) not yet relayed, the oldest for", behind.Description, StringComparison.Ordinal);
        var stalled = await Eventually.ReturnsAsync(() => KafkaCheckAsync(client), kafka => kafka.Status == "Unhealthy", TimeSpan.FromSeconds(60));
        Assert.StartsWith("3 committed event(s) have waited", stalled.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        await using var relaying = await HostProcess.StartAsync(new Dictionary<string, string>(Settings) { ["Messaging:ConsumersEnabled"] = "false" });
        var relayed = await Eventually.ReturnsAsync(() => KafkaCheckAsync(client), kafka => kafka.Status == "Healthy", TimeSpan.FromSeconds(30));
        Assert.StartsWith("0 committed event(s) not yet relayed", relayed.Description, StringComparison.Ordinal);
    }

    private static async Task<(string Status, string Description)> KafkaCheckAsync(HttpClient client)
    {
        var kafka = (await (await client.GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("kafka");
        return (kafka.GetProperty("status").GetString()!, kafka.GetProperty("description").GetString() ?? "");
    }
}
