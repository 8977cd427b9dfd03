using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>Two host instances against one database and one broker.</summary>
public sealed class ScaleOutTests : FaultFixture
{
    [Fact]
    public async Task Exactly_one_instance_relays_groups_share_the_work_and_the_other_takes_over_when_the_relay_dies()
    {
        await using var first = await HostProcess.StartAsync(Settings);
        await using var second = await HostProcess.StartAsync(Settings);
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();
        for (var i = 0; i < 10; i++)
        {
            await (i % 2 == 0 ? firstClient : secondClient).OpenAccountAsync("EUR", initialDeposit: 10m);
        }

        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
        // One relay: every event went to Kafka exactly once (a second relay would have sent each again).
        var stored = await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type IN ('AccountOpened', 'MoneyDeposited.v2', 'MoneyWithdrawn.v2')");
        var relayed = await TopicReader.ReadAsync(Broker.BootstrapServers, "events_Account", (int)stored, quiet: TimeSpan.FromSeconds(2));
        Assert.Equal(stored, relayed.Count);

        var relaying = await RelayingInstanceAsync(first, second);
        var survivor = relaying == first ? second : first;
        relaying.Kill();
        using var survivorClient = survivor.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await survivorClient.OpenAccountAsync("USD", initialDeposit: 3m);
        }

        var (afterExit, afterOutput) = await ConvergeAndVerifyAsync();
        Assert.True(afterExit == 0, afterOutput);
        var all = await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type IN ('AccountOpened', 'MoneyDeposited.v2', 'MoneyWithdrawn.v2')");
        var messages = await TopicReader.ReadEventsAsync(Broker.BootstrapServers, "events_Account", all, TimeSpan.FromSeconds(60));
        Assert.Equal(all, TopicReader.DistinctEvents(messages));
    }

    /// <summary>The instance whose health says it holds the relay: only the leader's relay runs.</summary>
    private static async Task<HostProcess> RelayingInstanceAsync(HostProcess first, HostProcess second) =>
        await Eventually.ReturnsAsync(
            async () =>
            {
                foreach (var candidate in new[] { first, second })
                {
                    using var client = candidate.CreateClient();
                    var health = await (await client.GetAsync("/health")).JsonAsync();
                    var description = health.GetProperty("checks").GetProperty("kafka").GetProperty("description").GetString() ?? "";
                    if (description.Contains("This instance holds the relay.", StringComparison.Ordinal))
                    {
                        return candidate;
                    }
                }

                return null;
            },
            relaying => relaying is not null,
            TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("Neither instance holds the relay.");
}
