using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>The trace of a command through the relay to each module.</summary>
public sealed class TelemetryTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task A_deposit_is_one_trace_from_the_command_through_the_relay_to_each_module()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Bank.Messaging",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var accountId = await _client.OpenAccountAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/accounts/{accountId}/deposits")
        {
            Content = new StringContent("{\"amount\":1,\"currency\":\"EUR\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);

        var trace = await Eventually.ReturnsAsync(
            () => Task.FromResult(spans.Where(s => s.TraceId == traceId).ToList()),
            found => found.Count(s => s.OperationName.EndsWith("consume MoneyDeposited", StringComparison.Ordinal)) == 2);
        var publish = Assert.Single(trace, s => s.OperationName == "publish MoneyDeposited");
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.All(
            trace.Where(s => s.OperationName.EndsWith("consume MoneyDeposited", StringComparison.Ordinal)),
            consume => Assert.Equal(publish.SpanId, consume.ParentSpanId));
        Assert.Equal(
            ["accounts consume MoneyDeposited", "customers consume MoneyDeposited"],
            trace.Where(s => s.Kind == ActivityKind.Consumer).Select(s => s.OperationName).Order());
    }
}

/// <summary>
/// <c>/metrics</c> of a host in a process of its own, as in production: in-process test hosts share the process's
/// meter listeners with each other.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private HostProcess _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _host = await HostProcess.StartAsync(new Dictionary<string, string> { ["ConnectionStrings:Postgres"] = _database.ConnectionString });
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_show_query_model_lag_relay_backlog_consumer_lag_and_commands()
    {
        var accountId = await _client.OpenAccountAsync(initialDeposit: 5m);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/accounts/{accountId}?minVersion=2")).StatusCode);

        string[] expected =
        [
            "bank_query_model_lag_seconds_bucket\\{[^}]*module=\"accounts\"",
            "bank_query_model_lag_seconds_bucket\\{[^}]*module=\"customers\"",
            "bank_relay_backlog\\{[^}]*\\} \\d+",
            "bank_consumer_lag\\{[^}]*group=\"accounts\"[^}]*partition=\"\\d+\"",
            "bank_consumer_lag\\{[^}]*group=\"customers\"[^}]*partition=\"\\d+\"",
            "http_server_request_duration_seconds_count\\{[^}]*http_route=\"/accounts/\\{id\\}/deposits\"",
        ];

        // Consumer lag comes from librdkafka's statistics, once a second per group.
        var metrics = await Eventually.ReturnsAsync(
            async () => await (await _client.GetAsync("/metrics")).Content.ReadAsStringAsync(),
            text => expected.All(pattern => System.Text.RegularExpressions.Regex.IsMatch(text, pattern)));

        Assert.All(expected, pattern => Assert.Matches(pattern, metrics));
    }
}
