using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>The host's verify and rebuild commands, run as an operator would.</summary>
public sealed class OperatorCommandTests : FaultFixture
{
    [Fact]
    public async Task Verify_finds_a_tampered_query_model_and_rebuild_repairs_it()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var accountId = await client.OpenAccountAsync("EUR", initialDeposit: 25m);
        var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
        Assert.True(cleanExit == 0, cleanOutput);
        Assert.Contains("Query models match the event store.", cleanOutput, StringComparison.Ordinal);

        await Database.ScalarAsync<int>(
            $"WITH changed AS (UPDATE accounts.mt_doc_accountview SET data = jsonb_set(data, '{{balance}}', '1000000') WHERE id = '{accountId}' RETURNING 1) SELECT count(*)::int FROM changed");
        var (tamperedExit, tamperedOutput) = await HostProcess.RunCommandAsync(Settings, "verify");
        Assert.Equal(1, tamperedExit);
        Assert.Contains($"AccountDetails {accountId}", tamperedOutput, StringComparison.Ordinal);

        var (rebuildExit, rebuildOutput) = await HostProcess.RunCommandAsync(Settings, "rebuild", "accounts");
        Assert.True(rebuildExit == 0, rebuildOutput);
        Assert.Contains("Rebuilt accounts:", rebuildOutput, StringComparison.Ordinal);

        var (repairedExit, repairedOutput) = await HostProcess.RunCommandAsync(Settings, "verify");
        Assert.True(repairedExit == 0, repairedOutput);
        var (againExit, againOutput) = await HostProcess.RunCommandAsync(Settings, "rebuild");
        Assert.True(againExit == 0, againOutput);
    }
}
