using System.Globalization;
using System.Net;
using System.Text.Json;
using Bank.Accounts.Contracts;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Cluster;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Marten;
using Marten.Services;
using Npgsql;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>The relay against real PostgreSQL and a Kafka-protocol broker that outlives the hosts.</summary>
public sealed class EventRelayTests : IAsyncLifetime
{
    private EmbeddedKafkaBroker _broker = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _broker = EmbeddedKafkaBroker.Start();
        _broker.CreateTopic("events_Customer", 6);
        _broker.CreateTopic("events_Account", 6);
        _database = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _broker.Dispose();
    }

    [Fact]
    public async Task Every_event_reaches_its_aggregate_types_topic_keyed_by_id_in_version_order_with_its_headers()
    {
        await using var host = await StartHostAsync();
        var client = host.CreateApiClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var accountId = await client.OpenAccountAsync(i % 2 == 0 ? "EUR" : "USD", initialDeposit: 50m);
            await client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 10m, currency = "EUR" });
            await client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 1m, currency = "CAD" });
            accounts.Add(accountId);
        }

        var accountMessages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 12);
        var customerMessages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Customer", expected: 3);

        Assert.Equal(12, accountMessages.Count);
        Assert.Equal(3, customerMessages.Count);
        foreach (var accountId in accounts)
        {
            var stream = accountMessages.Where(m => m.Key == accountId.ToString("D")).OrderBy(m => m.Offset).ToList();
            // On the partition the catch-up from the event store expects it on.
            Assert.Equal([KeyPartitions.PartitionOf(accountId.ToString("D"), 6)], stream.Select(m => m.Partition).Distinct());
            Assert.Equal(["1", "2", "3", "4"], stream.Select(m => m.Headers[EventHeaders.StreamVersion]));
            Assert.Equal(
                ["AccountOpened", "MoneyDeposited", "MoneyWithdrawn", "MoneyDeposited"],
                stream.Select(m => m.Headers[EventHeaders.MessageType]));
            var positions = stream.Select(m => long.Parse(m.Headers[EventHeaders.GlobalPosition], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.All(stream, message =>
            {
                Assert.Equal("application/json", message.Headers[EventHeaders.ContentType]);
                Assert.Equal(message.Headers[EventHeaders.MessageType] == "AccountOpened" ? "1" : "2", message.Headers[EventHeaders.EventVersion]);
                Assert.True(Guid.TryParse(message.Headers[EventHeaders.EventId], out _));
                Assert.EndsWith("Z", message.Headers[EventHeaders.Timestamp], StringComparison.Ordinal);
                Assert.True(DateTimeOffset.TryParse(message.Headers[EventHeaders.Timestamp], CultureInfo.InvariantCulture, out _));
                Assert.Equal(accountId, JsonDocument.Parse(message.Value).RootElement.GetProperty("accountId").GetGuid());
            });
        }

        var created = JsonDocument.Parse(customerMessages[0].Value).RootElement;
        Assert.Equal(customerMessages[0].Key, created.GetProperty("customerId").GetGuid().ToString("D"));
        Assert.Equal("Ada", created.GetProperty("firstName").GetString());
        Assert.Equal("CustomerCreated", customerMessages[0].Headers[EventHeaders.MessageType]);
    }

    [Fact]
    public async Task The_trace_of_the_command_travels_in_the_traceparent_header()
    {
        await using var host = await StartHostAsync();
        var client = host.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/customers")
        {
            Content = JsonContent(new { firstName = "Trace", lastName = "Able", email = $"{Guid.NewGuid():N}@example.com" }),
        };
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request)).StatusCode);

        var message = Assert.Single(await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Customer", expected: 1));
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", message.Headers[EventHeaders.TraceParent], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_appended_while_no_relay_ran_arrive_once_one_starts()
    {
        await using (var apiOnly = await StartHostAsync(relay: false))
        {
            await apiOnly.CreateApiClient().OpenAccountAsync("EUR", initialDeposit: 5m);
            Assert.Empty(await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 1, timeout: TimeSpan.FromSeconds(2)));
        }

        await using var relaying = await StartHostAsync();

        Assert.Equal(2, (await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 2)).Count);
        Assert.Single(await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Customer", expected: 1));
    }

    [Fact]
    public async Task A_restarted_relay_does_not_send_acknowledged_pages_again()
    {
        await using (var first = await StartHostAsync())
        {
            await first.CreateApiClient().OpenAccountAsync("EUR", initialDeposit: 5m);
            Assert.Equal(2, (await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 2)).Count);
        }

        await using var second = await StartHostAsync();
        await second.CreateApiClient().OpenAccountAsync("CAD");

        var messages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 3, quiet: TimeSpan.FromSeconds(2));
        Assert.Equal(3, messages.Count);
        Assert.Equal(3, messages.Select(m => m.Headers[EventHeaders.EventId]).Distinct().Count());
    }

    [Fact]
    public async Task With_Kafka_unreachable_commands_succeed_health_is_degraded_and_everything_arrives_when_it_returns()
    {
        _broker.SetDown();
        await using var host = await StartHostAsync();
        var client = host.CreateApiClient();

        var accountId = await client.OpenAccountAsync("EUR", initialDeposit: 20m);
        var withdrawal = await client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 5m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, withdrawal.StatusCode);
        // /health answers from what the host last saw of Kafka, which it looks at every 2 s.
        var health = await Eventually.ReturnsAsync(
            async () => await (await client.GetAsync("/health")).JsonAsync(),
            body => body.GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString() == "Degraded",
            TimeSpan.FromSeconds(30));
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());

        _broker.SetUp();

        var messages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 3, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(["1", "2", "3"], messages.Select(m => m.Headers[EventHeaders.StreamVersion]));
        Assert.Single(await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Customer", expected: 1));
    }

    [Fact]
    public async Task An_event_committed_late_behind_a_sequence_gap_still_reaches_Kafka_and_the_query_models()
    {
        await using var host = await StartHostAsync();
        var client = host.CreateApiClient();
        var heldAccount = await client.OpenAccountAsync("EUR");
        var otherAccount = await client.OpenAccountAsync("EUR");
        await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 2);

        // A deposit appended in a transaction that stays open, taking its global position now, committed
        // only after events appended behind it were committed and after any gap timeout.
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var held = host.GetService<IDocumentStore>().LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            held.Events.Append(heldAccount, new MoneyDeposited(heldAccount, 7m, "EUR", 7m, "EUR", 1m, 7m));
            await held.SaveChangesAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{otherAccount}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        await transaction.CommitAsync();

        var messages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 6, timeout: TimeSpan.FromSeconds(30));
        var late = Assert.Single(messages, m => m.Key == heldAccount.ToString("D") && m.Headers[EventHeaders.MessageType] == "MoneyDeposited");
        Assert.Equal("2", late.Headers[EventHeaders.StreamVersion]);
        Assert.Equal(3, messages.Count(m => m.Key == otherAccount.ToString("D") && m.Headers[EventHeaders.MessageType] == "MoneyDeposited"));
        var view = await client.GetShownAsync($"/accounts/{heldAccount}?minVersion=2");
        Assert.Equal(2, view.GetProperty("version").GetInt64());
        Assert.Equal(7m, view.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task A_second_instance_on_an_empty_broker_does_not_disturb_the_relaying_one()
    {
        await using var relaying = await StartHostAsync();
        var client = relaying.CreateApiClient();
        var before = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 2);

        using var emptyBroker = EmbeddedKafkaBroker.Start();
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            emptyBroker.CreateTopic(topic, 6);
        }

        await using var second = await BankHost.StartAsync(_database, new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = emptyBroker.BootstrapServers });
        // The second instance's broker-loss watch has looked (every 5 s) once its /health says who holds the relay.
        var secondClient = second.CreateApiClient();
        await Eventually.ReturnsAsync(
            async () => (await (await secondClient.GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("kafka").GetProperty("description").GetString(),
            description => description?.Contains("Another instance holds the relay", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30));

        var after = await client.OpenAccountAsync("EUR");
        var deposited = await (await client.PostJsonAsync($"/accounts/{after}/deposits", new { amount = 3m, currency = "EUR" })).JsonAsync();
        var shown = await client.GetAsync($"/accounts/{after}?minVersion={deposited.GetProperty("version").GetInt64()}");

        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(3m, (await shown.JsonAsync()).GetProperty("balance").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/accounts/{before}?minVersion=2")).StatusCode);
        var messages = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 4);
        Assert.Equal(4, messages.Select(m => m.Headers[EventHeaders.EventId]).Distinct().Count());
    }

    [Fact]
    public async Task A_relay_whose_progress_was_moved_under_it_recovers_by_itself_and_says_so_meanwhile()
    {
        await using var host = await StartHostAsync();
        var client = host.CreateApiClient();
        var before = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account", expected: 2);

        // What another process rewriting the shared progression does: the relay's next store of its progress fails.
        await _database.ScalarAsync<int>(
            "WITH moved AS (UPDATE bank.mt_event_progression SET last_seq_id = 1 WHERE name = 'EventRelay:All' RETURNING 1) SELECT count(*)::int FROM moved");
        var after = await client.OpenAccountAsync("EUR");
        var deposited = await (await client.PostJsonAsync($"/accounts/{after}/deposits", new { amount = 3m, currency = "EUR" })).JsonAsync();
        var version = deposited.GetProperty("version").GetInt64();

        var shown = await Eventually.ReturnsAsync(
            () => client.GetAsync($"/accounts/{after}?minVersion={version}"),
            response => response.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60));
        Assert.Equal(3m, (await shown.JsonAsync()).GetProperty("balance").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/accounts/{before}?minVersion=2")).StatusCode);
        await Eventually.ReturnsAsync(
            async () => (await (await client.GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString(),
            status => status == "Healthy",
            TimeSpan.FromSeconds(30));
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");

    private Task<BankHost> StartHostAsync(bool relay = true) =>
        BankHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = _broker.BootstrapServers,
            ["Relay:Enabled"] = relay ? "true" : "false",
        });
}
