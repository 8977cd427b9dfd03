using System.Diagnostics;
using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>Deposits of 1 EUR on random accounts, open loop: each sent on schedule, whatever the earlier ones are doing.</summary>
internal sealed class DepositLoad(HttpClient http, List<Guid> accounts)
{
    public Task<double> RunAsync(int rate, TimeSpan duration) =>
        OpenLoop.RunAsync(rate, (int)(rate * duration.TotalSeconds), _ => DepositAsync());

    public async Task OneAtATimeAsync(int count, TimeSpan every)
    {
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await DepositAsync();
            var rest = every - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
    }

    private int _acknowledged;

    /// <summary>How many deposits the host has acknowledged (answered 2xx) so far.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    private async Task DepositAsync()
    {
        using var response = await http.PostJsonAsync($"/accounts/{accounts[Random.Shared.Next(accounts.Count)]}/deposits", new { amount = 1m, currency = "EUR" });
        if (response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref _acknowledged);
        }
    }
}
