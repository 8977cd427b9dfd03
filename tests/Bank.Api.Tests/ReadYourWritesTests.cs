using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary><c>?minVersion=N</c>: a query answered once the query model shows the version a command returned.</summary>
public sealed class ReadYourWritesTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task Every_deposit_is_shown_at_once_by_a_query_that_asks_for_its_version()
    {
        var customerId = await _client.CreateCustomerAsync();
        var accountId = (await (await _client.PostJsonAsync("/accounts", new { customerId, currency = "EUR" })).JsonAsync()).GetProperty("id").GetGuid();
        // Once both modules' consumers have joined their groups (right after a start that can take longer than one wait).
        await _client.GetShownAsync($"/accounts/{accountId}?minVersion=1");
        await _client.GetShownAsync($"/customers/{customerId}?accountId={accountId}&minVersion=1");

        for (var i = 1; i <= 20; i++)
        {
            var deposited = await (await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 1m, currency = "EUR" })).JsonAsync();
            var version = deposited.GetProperty("version").GetInt64();

            var account = await GetOkAsync($"/accounts/{accountId}?minVersion={version}");
            var customer = await GetOkAsync($"/customers/{customerId}?accountId={accountId}&minVersion={version}");

            Assert.Equal(version, account.GetProperty("version").GetInt64());
            Assert.Equal(i, account.GetProperty("balance").GetDecimal());
            Assert.Equal(i, customer.GetProperty("accounts")[0].GetProperty("balance").GetDecimal());
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task A_minVersion_that_is_not_a_positive_whole_number_is_400(string minVersion)
    {
        var accountId = await _client.OpenAccountAsync();

        await (await _client.GetAsync($"/accounts/{accountId}?minVersion={minVersion}")).AssertFieldErrorAsync("minVersion");
        await (await _client.GetAsync($"/customers/{Guid.NewGuid()}?accountId={accountId}&minVersion={minVersion}")).AssertFieldErrorAsync("minVersion");
    }

    [Fact]
    public async Task A_version_the_account_has_not_reached_is_400_at_once()
    {
        var accountId = await _client.OpenAccountAsync(initialDeposit: 5m);
        var watch = Stopwatch.StartNew();

        var response = await _client.GetAsync($"/accounts/{accountId}?minVersion=3");

        await response.AssertFieldErrorAsync("minVersion");
        // Well under QueryModels:MaxWait (5 s): refused without waiting.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"Took {watch.Elapsed}");
    }

    [Fact]
    public async Task An_unknown_account_or_a_customer_id_is_404()
    {
        var customerId = await _client.CreateCustomerAsync();

        await (await _client.GetAsync($"/accounts/{Guid.NewGuid()}?minVersion=1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/accounts/{customerId}?minVersion=1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync($"/customers/{customerId}?accountId={customerId}&minVersion=1")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_customer_query_needs_both_accountId_and_minVersion()
    {
        var accountId = await _client.OpenAccountAsync();

        await (await _client.GetAsync($"/customers/{Guid.NewGuid()}?accountId={accountId}")).AssertFieldErrorAsync("minVersion");
        await (await _client.GetAsync($"/customers/{Guid.NewGuid()}?minVersion=1")).AssertFieldErrorAsync("accountId");
    }

    [Fact]
    public async Task The_customer_query_says_what_is_really_wrong_with_its_account()
    {
        var customerId = await _client.CreateCustomerAsync();
        var othersAccount = await _client.OpenAccountAsync();

        var malformed = await (await _client.GetAsync($"/customers/{customerId}?accountId=xyz")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var notTheirs = await (await _client.GetAsync($"/customers/{customerId}?accountId={othersAccount}&minVersion=1"))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        var errors = malformed.GetProperty("errors");
        Assert.Equal("'xyz' is not a valid id (expected a GUID).", errors.GetProperty("accountId")[0].GetString());
        Assert.Equal("Required with accountId: the account's version to wait for, as a command on it answered.", errors.GetProperty("minVersion")[0].GetString());
        Assert.Equal($"Customer {customerId} has no account {othersAccount}.", notTheirs.GetProperty("detail").GetString());
    }

    private async Task<JsonElement> GetOkAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}

/// <summary>A host whose query models do not move (its consumers are off), with a short wait.</summary>
public sealed class HostWithoutConsumers() : BankHost(new Dictionary<string, string?>
{
    ["Messaging:ConsumersEnabled"] = "false",
    ["QueryModels:MaxWait"] = "00:00:00.5",
});

public sealed class ReadYourWritesTimeoutTests(HostWithoutConsumers host) : IClassFixture<HostWithoutConsumers>
{
    [Fact]
    public async Task A_model_that_does_not_catch_up_in_time_is_503_with_Retry_After_and_the_version_it_reached()
    {
        var client = host.CreateApiClient();
        var accountId = await client.OpenAccountAsync();
        var watch = Stopwatch.StartNew();

        var response = await client.GetAsync($"/accounts/{accountId}?minVersion=1");

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("1", response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, problem.GetProperty("reachedVersion").GetInt64());
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
    }
}

/// <summary>The consumer that applies the event runs in another instance than the one the query waits in.</summary>
public sealed class ReadYourWritesAcrossInstancesTests : IAsyncLifetime
{
    private EmbeddedKafkaBroker _broker = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            _broker.CreateTopic(topic, 6);
        }

        _database = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _broker.Dispose();
    }

    [Fact]
    public async Task A_query_waits_for_a_write_that_another_instance_applies()
    {
        // As the README advises for hosts sharing a standalone embedded broker.
        await using var applying = await BankHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = _broker.BootstrapServers,
            ["Kafka:Consumer:session.timeout.ms"] = "2000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
        });
        await using var asking = await BankHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = _broker.BootstrapServers,
            ["Messaging:ConsumersEnabled"] = "false",
        });
        // The waits promise to see what is applied within QueryModels:MaxWait; first the other instance must be consuming.
        await Eventually.ReturnsAsync(
            async () => (await (await applying.CreateApiClient().GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("consumer-groups"),
            groups => groups.GetProperty("status").GetString() == "Healthy"
                && groups.GetProperty("description").GetString()!.Contains("holds", StringComparison.Ordinal)
                && !groups.GetProperty("description").GetString()!.Contains(" 0 partition(s)", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        var client = asking.CreateApiClient();
        var accountId = await client.OpenAccountAsync();

        for (var i = 1; i <= 5; i++)
        {
            var deposited = await (await client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 2m, currency = "EUR" })).JsonAsync();
            var response = await client.GetAsync($"/accounts/{accountId}?minVersion={deposited.GetProperty("version").GetInt64()}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2m * i, (await response.JsonAsync()).GetProperty("balance").GetDecimal());
        }
    }
}
