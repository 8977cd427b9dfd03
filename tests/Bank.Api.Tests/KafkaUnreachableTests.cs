using System.Diagnostics;
using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>A host whose Kafka cannot be reached starts, answers, logs and stops as promptly as one whose Kafka can.</summary>
public sealed class KafkaUnreachableTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_host_starts_at_once_answers_health_from_what_it_knows_logs_little_and_stops_within_seconds()
    {
        var started = Stopwatch.StartNew();
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            // Nothing listens there.
            ["Kafka:BootstrapServers"] = $"127.0.0.1:{HostProcess.FreePort()}",
        });
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"The API answered {started.Elapsed.TotalSeconds:0.0} s after the start.");

        using var client = host.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 10m);
        var asked = Stopwatch.StartNew();
        var health = await (await client.GetAsync("/health")).JsonAsync();
        // Asking Kafka would take at least its 2 s metadata timeout; what the host knows already comes back sooner, even on a busy machine.
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(2), $"/health took {asked.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString());
        Assert.Contains("unreachable", health.GetProperty("checks").GetProperty("kafka").GetProperty("description").GetString(), StringComparison.Ordinal);
        var deposit = await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 5m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);

        // Every Kafka client retries its connection several times a second; over this window (an observation, not a
        // wait for a condition) what reaches the log must stay a line now and then.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var lines = host.Output.Split('\n').Length;
        Assert.True(lines < 300, $"The host logged {lines} lines in its first seconds without Kafka:\n{host.Output}");

        var stopped = await host.StopAsync();
        Assert.True(stopped < TimeSpan.FromSeconds(8), $"The host took {stopped.TotalSeconds:0.0} s to stop.");
    }
}
