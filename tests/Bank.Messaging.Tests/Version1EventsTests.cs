using System.Net;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>
/// A bank upgraded from version 1 of the money movements, holding events stored as version 1 that it had not relayed
/// yet: the relay, the consumers' check against the store, <c>verify</c> and <c>rebuild</c> all read them as version 2.
/// </summary>
public sealed class Version1EventsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Events_stored_as_version_1_are_relayed_as_version_2_applied_verified_and_rebuilt_as_they_were()
    {
        using var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, 2);
        }

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
        };
        Guid account, other;
        await using (var unrelayed = await BankHost.StartAsync(_database, With(settings, "Relay:Enabled", "false")))
        {
            var client = unrelayed.CreateApiClient();
            var customer = await client.CreateCustomerAsync();
            account = await client.OpenAccountAsync("EUR", initialDeposit: 25.00m, customerId: customer);
            other = await client.OpenAccountAsync("USD", customerId: customer);
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 0.10m, currency = "EUR", reference = "Refund" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/withdrawals", new { amount = 5.10m, currency = "EUR" })).StatusCode);
            Assert.Equal(
                HttpStatusCode.OK,
                (await client.PostJsonAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount = 10m, currency = "EUR", reference = "Rent" })).StatusCode);
        }

        Assert.Equal(5, await Version1Events.RewriteMoneyMovementsAsync(_database));

        await using var upgraded = await BankHost.StartAsync(_database, With(settings, "Relay:Enabled", "true"));
        var (exitCode, output) = await QueryModels.ConvergeAndVerifyAsync(_database, settings);
        Assert.True(exitCode == 0, output);
        var reader = upgraded.CreateApiClient();
        var shown = await reader.GetShownAsync($"/accounts/{account}?minVersion=5");
        Assert.Equal(10.00m, shown.GetProperty("balance").GetDecimal());
        Assert.Equal(10.80m, (await reader.GetShownAsync($"/accounts/{other}?minVersion=2")).GetProperty("balance").GetDecimal());
        var statement = await reader.GetShownAsync($"/accounts/{account}/transactions?minVersion=5");
        Assert.Equal(
            [(10m, "Rent"), (5.10m, null), (0.10m, "Refund"), (25.00m, null)],
            statement.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("amount").GetDecimal(), i.GetProperty("reference").GetString())));

        // On Kafka they are version 2: money as decimal strings.
        var relayed = (await TopicReader.ReadAsync(broker.BootstrapServers, "events_Account", expected: 7))
            .Where(m => m.Headers[EventHeaders.MessageType] != "AccountOpened")
            .ToList();
        Assert.Equal(5, relayed.Count);
        Assert.All(relayed, m => Assert.Equal("2", m.Headers[EventHeaders.EventVersion]));
        Assert.Contains(relayed, m => m.Key == account.ToString() && m.Value.Contains("\"amount\":\"0.10\"", StringComparison.Ordinal));

        // The store keeps each event as the version it was written as; the catalog says how many of each it holds.
        Assert.Equal(HttpStatusCode.OK, (await reader.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
        var (listExit, listed) = await HostProcess.RunScriptAsync("run.sh", settings, "schemas");
        Assert.True(listExit == 0, listed);
        Assert.Contains("v1: 2, v2: 1", Assert.Single(listed.Split('\n'), line => line.StartsWith("MoneyDeposited ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("v1: 1", Assert.Single(listed.Split('\n'), line => line.StartsWith("MoneyWithdrawn ", StringComparison.Ordinal)), StringComparison.Ordinal);

        var (rebuildExit, rebuilt) = await HostProcess.RunCommandAsync(settings, "rebuild");
        Assert.True(rebuildExit == 0, rebuilt);
        var (verifyExit, verified) = await HostProcess.RunCommandAsync(settings, "verify");
        Assert.True(verifyExit == 0, verified);
        Assert.Equal(11.00m, (await reader.GetShownAsync($"/accounts/{account}?minVersion=6")).GetProperty("balance").GetDecimal());
    }

    private static Dictionary<string, string?> With(Dictionary<string, string> settings, string key, string value) =>
        new(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))) { [key] = value };
}
