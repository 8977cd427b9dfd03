using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>
/// What reaches the host without a valid token, on a host of its own: requests are rate-limited per client address,
/// <c>/metrics</c> answers anonymously on loopback only, and the local signing key is kept in the database.
/// </summary>
public sealed class AnonymousAccessTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_flood_of_bad_tokens_from_one_address_gets_429_with_retry_after_while_valid_tokens_pass()
    {
        await using var host = await HostProcess.StartAsync(Settings(("Auth:AnonymousRequestsPerMinute", "5")));
        using var forger = host.CreateClient().As(Tampered(TestTokens.Operator()));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await forger.GetAsync("/customers");
            statuses.Add(response.StatusCode);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : refused;
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        await refused!.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        using var operatorClient = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_anonymous_callers_on_loopback_only_and_operators_anywhere()
    {
        var address = NonLoopbackAddress();
        var port = HostProcess.FreePort();
        await using var host = await HostProcess.StartAsync(Settings(("ASPNETCORE_URLS", $"http://0.0.0.0:{port}")), port);
        using var fromNetwork = new HttpClient { BaseAddress = new Uri($"http://{address}:{port}") };

        var anonymous = await fromNetwork.GetAsync("/metrics");
        var asOperator = await fromNetwork.As(TestTokens.Operator()).GetAsync("/metrics");
        var onLoopback = await host.CreateClient().As(null).GetAsync("/metrics");

        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, asOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onLoopback.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_the_token_command_signs_with_a_key_kept_in_the_database_across_restarts()
    {
        var settings = Settings(("Auth:SigningKey", ""));
        var (exitCode, output) = await HostProcess.RunCommandAsync(settings, "token", "--operator", "--lifetime", "1h");
        Assert.True(exitCode == 0, output);
        var token = output.Trim().Split('\n')[^1].Trim();

        foreach (var run in new[] { "first", "after a restart" })
        {
            await using var host = await HostProcess.StartAsync(settings);
            using var client = host.CreateClient().As(token);
            Assert.True((await client.GetAsync("/customers")).StatusCode == HttpStatusCode.OK, run);
            await (await host.CreateClient().GetAsync("/customers")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token --customer not-a-guid")]
    [InlineData("token --operator --lifetime 8")]
    [InlineData("token --operator --customer 6f9619ff-8b86-d011-b42d-00c04fc964ff")]
    public async Task The_token_command_exits_2_with_its_usage_on_bad_arguments(string command)
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(Settings(), command.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Usage: Bank.Host token", output.Trim(), StringComparison.Ordinal);
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Messaging:Transport"] = "InMemory",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .First(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));

    private static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
}
