using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>Many parallel commands on shared accounts: no overdraft, nothing lost, models equal to the accepted commands.</summary>
public sealed class ContentionTests : FaultFixture
{
    [Fact]
    public async Task A_random_mix_of_parallel_deposits_and_withdrawals_leaves_every_balance_equal_to_what_was_accepted()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 20m));
        }

        var accepted = new ConcurrentBag<(Guid Account, decimal Delta)>();
        var refused = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            for (var n = 0; n < 40; n++)
            {
                var account = accounts[random.Next(accounts.Count)];
                var withdraw = random.Next(3) > 0;
                var amount = random.Next(1, 15);
                var response = await client.PostJsonAsync(
                    $"/accounts/{account}/{(withdraw ? "withdrawals" : "deposits")}", new { amount, currency = "EUR" });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    accepted.Add((account, withdraw ? -amount : amount));
                }
                else
                {
                    Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        Assert.True(refused > 0, "The mix should have run some accounts dry.");
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
        foreach (var account in accounts)
        {
            var expected = 20m + accepted.Where(a => a.Account == account).Sum(a => a.Delta);
            Assert.True(expected >= 0);
            Assert.Equal(expected, await BalanceAsync($"SELECT data->>'balance' FROM accounts.mt_doc_account WHERE id = '{account}'"));
            Assert.Equal(expected, await BalanceAsync($"SELECT data->>'balance' FROM accounts.mt_doc_accountview WHERE id = '{account}'"));
            Assert.Equal(expected, await BalanceAsync($"SELECT data->>'balance' FROM customers.mt_doc_customeraccount WHERE id = '{account}'"));
            var versions = await Database.ScalarAsync<long>($"SELECT count(*) FROM bank.mt_events WHERE stream_id = '{account}'");
            Assert.Equal(2 + accepted.Count(a => a.Account == account), versions);
        }
    }

    [Fact]
    public async Task Concurrent_transfers_in_both_directions_around_a_ring_conserve_money_and_never_deadlock()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var ring = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ring.Add(await client.OpenAccountAsync("EUR", initialDeposit: 50m));
        }

        var random = new Random(11);
        var transfers = Enumerable.Range(0, 300).Select(_ =>
        {
            var at = random.Next(ring.Count);
            var next = (at + (random.Next(2) == 0 ? 1 : ring.Count - 1)) % ring.Count;
            return (From: ring[at], To: ring[next], Amount: random.Next(1, 30));
        }).ToList();

        // All 300 at once queue on six rows; on a loaded machine some wait past the database's 5 s bound and get 503.
        // Each is then sent again with its Idempotency-Key, as the 503 says, which must apply it at most once.
        using var gate = new SemaphoreSlim(0);
        var answers = transfers.Select(t => Task.Run(async () =>
        {
            await gate.WaitAsync();
            var key = Guid.NewGuid().ToString("N");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
                {
                    Content = JsonContent.Create(new { fromAccountId = t.From, toAccountId = t.To, amount = t.Amount, currency = "EUR" }),
                };
                request.Headers.Add("Idempotency-Key", key);
                var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                {
                    return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
                }

                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            }
        })).ToList();
        gate.Release(transfers.Count);
        var answered = await Task.WhenAll(answers);

        Assert.All(answered, a => Assert.True(
            a.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"{(int)a.StatusCode} {a.Body}\n{string.Join('\n', host.Output.Split('\n').SkipWhile(l => !l.Contains("fail:", StringComparison.Ordinal)).Take(40))}"));
        Assert.Contains(answered, a => a.StatusCode == HttpStatusCode.OK);
        var total = await BalanceAsync($"SELECT sum((data->>'balance')::numeric)::text FROM accounts.mt_doc_account WHERE id IN ({string.Join(", ", ring.Select(a => $"'{a}'"))})");
        Assert.Equal(ring.Count * 50m, total);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
        var viewed = await BalanceAsync($"SELECT sum((data->>'balance')::numeric)::text FROM accounts.mt_doc_accountview WHERE id IN ({string.Join(", ", ring.Select(a => $"'{a}'"))})");
        Assert.Equal(ring.Count * 50m, viewed);
        var accepted = answered.Count(a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(accepted * 2, await Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type LIKE 'MoneyTransferred%'"));
    }

    private async Task<decimal> BalanceAsync(string sql) =>
        decimal.Parse(await Database.ScalarAsync<string>(sql), CultureInfo.InvariantCulture);
}
