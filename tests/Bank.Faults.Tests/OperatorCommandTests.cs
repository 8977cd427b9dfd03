using System.Collections.Concurrent;
using System.Net;
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

    [Fact]
    public async Task Verify_names_missing_behind_newer_and_orphan_documents_of_both_modules()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var customers = new List<Guid>();
        var accounts = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var customer = await client.CreateCustomerAsync();
            var account = await client.OpenAccountAsync("EUR", customerId: customer, initialDeposit: 10m);
            await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" });
            customers.Add(customer);
            accounts.Add(account);
        }

        var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
        Assert.True(cleanExit == 0, cleanOutput);
        var customerOrphan = Guid.NewGuid();
        var accountOrphan = Guid.NewGuid();
        await Database.ScalarAsync<int>(
            $"""
            DELETE FROM customers.mt_doc_customerprofile WHERE id = '{customers[0]}';
            UPDATE customers.mt_doc_customeraccount SET mt_version = 2 WHERE id = '{accounts[1]}';
            UPDATE customers.mt_doc_customeraccount SET mt_version = 9 WHERE id = '{accounts[2]}';
            INSERT INTO customers.mt_doc_customerprofile (id, data, mt_last_modified, mt_dotnet_type, mt_version)
                SELECT '{customerOrphan}', data, mt_last_modified, mt_dotnet_type, mt_version FROM customers.mt_doc_customerprofile WHERE id = '{customers[3]}';
            DELETE FROM accounts.mt_doc_accountview WHERE id = '{accounts[0]}';
            UPDATE accounts.mt_doc_accountview SET mt_version = 2 WHERE id = '{accounts[1]}';
            UPDATE accounts.mt_doc_accountview SET mt_version = 9 WHERE id = '{accounts[2]}';
            INSERT INTO accounts.mt_doc_accountview (id, data, mt_last_modified, mt_dotnet_type, mt_version)
                SELECT '{accountOrphan}', data, mt_last_modified, mt_dotnet_type, mt_version FROM accounts.mt_doc_accountview WHERE id = '{accounts[3]}';
            SELECT 0
            """);

        var (exit, output) = await HostProcess.RunCommandAsync(Settings, "verify");

        Assert.Equal(1, exit);
        foreach (var expected in new[]
        {
            $"CustomerDetails {customers[0]}: missing",
            $"CustomerAccount {accounts[1]}: at version 2, expected 3",
            $"CustomerAccount {accounts[2]}: at version 9, newer than the event store",
            $"CustomerDetails {customerOrphan}: not derived from any event",
            $"AccountDetails {accounts[0]}: missing",
            $"AccountDetails {accounts[1]}: at version 2, expected 3",
            $"AccountDetails {accounts[2]}: at version 9, newer than the event store",
            $"AccountDetails {accountOrphan}: not derived from any event",
        })
        {
            Assert.True(output.Contains(expected, StringComparison.Ordinal), $"verify did not report '{expected}':\n{output}");
        }

        var (rebuildExit, rebuildOutput) = await HostProcess.RunCommandAsync(Settings, "rebuild");
        Assert.True(rebuildExit == 0, rebuildOutput);
        var (repairedExit, repairedOutput) = await HostProcess.RunCommandAsync(Settings, "verify");
        Assert.True(repairedExit == 0, repairedOutput);
    }

    [Fact]
    public async Task Readers_never_see_a_missing_or_older_document_while_rebuild_runs_under_writes_and_orphans_are_removed()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var customer = await client.CreateCustomerAsync();
        var accounts = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 10m + i, customerId: customer));
        }

        var (convergedExit, convergedOutput) = await ConvergeAndVerifyAsync();
        Assert.True(convergedExit == 0, convergedOutput);
        var orphan = Guid.NewGuid();
        await Database.ScalarAsync<int>(
            $"WITH copied AS (INSERT INTO accounts.mt_doc_accountview (id, data, mt_last_modified, mt_dotnet_type, mt_version) " +
            $"SELECT '{orphan}', jsonb_set(data, '{{id}}', '\"{orphan}\"'), mt_last_modified, mt_dotnet_type, mt_version " +
            $"FROM accounts.mt_doc_accountview WHERE id = '{accounts[0]}' RETURNING 1) SELECT count(*)::int FROM copied");
        var orphanRows = $"SELECT count(*)::int FROM accounts.mt_doc_accountview WHERE id = '{orphan}'";
        Assert.Equal(1, await Database.ScalarAsync<int>(orphanRows));

        // Commands keep coming, and readers of all three models check that nothing they saw goes missing or back.
        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var deposit = await client.PostJsonAsync($"/accounts/{accounts[i % accounts.Count]}/deposits", new { amount = 1m, currency = "EUR" });
                Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
                Interlocked.Increment(ref writes);
            }
        });
        var seen = new ConcurrentQueue<string>();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            var versions = accounts.ToDictionary(a => a, _ => 2L);
            var statementLines = accounts.ToDictionary(a => a, _ => 1L);
            var (held, total) = (accounts.Count, 0m);
            while (!stop.IsCancellationRequested)
            {
                foreach (var account in accounts)
                {
                    var details = await client.GetAsync($"/accounts/{account}");
                    var statement = await client.GetAsync($"/accounts/{account}/transactions?pageSize=200");
                    Interlocked.Add(ref reads, 2);
                    if (details.StatusCode != HttpStatusCode.OK || statement.StatusCode != HttpStatusCode.OK)
                    {
                        seen.Enqueue($"{account}: {(int)details.StatusCode}, statement {(int)statement.StatusCode}");
                        continue;
                    }

                    var version = (await details.JsonAsync()).GetProperty("version").GetInt64();
                    if (version < versions[account])
                    {
                        seen.Enqueue($"{account}: version {version} after {versions[account]}");
                    }

                    versions[account] = Math.Max(version, versions[account]);
                    var lines = (await statement.JsonAsync()).GetProperty("items").EnumerateArray().Select(line => line.GetProperty("version").GetInt64()).ToList();
                    if (lines.Count < statementLines[account] || !lines.Order().SequenceEqual(Enumerable.Range(2, lines.Count).Select(v => (long)v)))
                    {
                        seen.Enqueue($"{account}: statement versions {string.Join(",", lines.Order())} after {statementLines[account]} line(s)");
                    }

                    statementLines[account] = Math.Max(lines.Count, statementLines[account]);
                }

                var shown = await client.GetShownAsync($"/customers/{customer}");
                Interlocked.Increment(ref reads);
                var (nowHeld, nowTotal) = (shown.GetProperty("accounts").GetArrayLength(), shown.GetProperty("totalBalance").GetProperty("amount").GetDecimal());
                if (nowHeld < held || nowTotal < total)
                {
                    seen.Enqueue($"customer: {nowHeld} account(s) holding {nowTotal} after {held} holding {total}");
                }

                (held, total) = (Math.Max(held, nowHeld), Math.Max(total, nowTotal));
            }
        });

        var (rebuildExit, rebuildOutput) = await HostProcess.RunCommandAsync(Settings, "rebuild");
        await stop.CancelAsync();
        await Task.WhenAll(reader, writer);

        Assert.True(rebuildExit == 0, rebuildOutput);
        Assert.True(reads > 3 * accounts.Count && writes > accounts.Count, $"Only {reads} reads and {writes} writes happened during the rebuild.");
        Assert.True(seen.IsEmpty, $"During the rebuild readers saw: {string.Join("; ", seen.Take(10))}");
        Assert.Contains("1 removed", rebuildOutput, StringComparison.Ordinal);
        Assert.Equal(0, await Database.ScalarAsync<int>(orphanRows));
        var (verifyExit, verifyOutput) = await ConvergeAndVerifyAsync();
        Assert.True(verifyExit == 0, verifyOutput);
    }

    [Fact]
    public async Task Verify_finds_a_missing_and_a_doubled_statement_line_and_rebuild_repairs_both()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 30m);
        var other = await client.OpenAccountAsync("EUR");
        await client.PostJsonAsync($"/accounts/{account}/withdrawals", new { amount = 5m, currency = "EUR" });
        await client.PostJsonAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount = 5m, currency = "EUR" });
        var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
        Assert.True(cleanExit == 0, cleanOutput);

        var missing = await Database.ScalarAsync<Guid>(
            $"DELETE FROM accounts.mt_doc_statementline WHERE account_id = '{account}' AND mt_version = 3 RETURNING id");
        var doubled = Guid.NewGuid();
        await Database.ScalarAsync<int>(
            "WITH copied AS (INSERT INTO accounts.mt_doc_statementline (id, data, mt_last_modified, mt_dotnet_type, mt_version, account_id) " +
            $"SELECT '{doubled}', jsonb_set(data, '{{id}}', '\"{doubled}\"'), mt_last_modified, mt_dotnet_type, mt_version, account_id " +
            $"FROM accounts.mt_doc_statementline WHERE account_id = '{account}' AND mt_version = 4 RETURNING 1) SELECT count(*)::int FROM copied");
        Assert.Equal(2, (await QueryModels.StatementDifferencesAsync(Database)).Count);

        var (tamperedExit, tamperedOutput) = await HostProcess.RunCommandAsync(Settings, "verify", "accounts");
        Assert.Equal(1, tamperedExit);
        Assert.True(tamperedOutput.Contains($"StatementLine {missing}: missing", StringComparison.Ordinal), tamperedOutput);
        Assert.True(tamperedOutput.Contains($"StatementLine {doubled}: not derived from any event", StringComparison.Ordinal), tamperedOutput);

        var (rebuildExit, rebuildOutput) = await HostProcess.RunCommandAsync(Settings, "rebuild", "accounts");
        Assert.True(rebuildExit == 0, rebuildOutput);
        Assert.Empty(await QueryModels.StatementDifferencesAsync(Database));
        var statement = await (await client.GetAsync($"/accounts/{account}/transactions")).JsonAsync();
        Assert.Equal([4L, 3L, 2L], statement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("version").GetInt64()));
    }
}
