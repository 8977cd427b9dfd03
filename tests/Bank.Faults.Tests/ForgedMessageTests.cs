using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bank.Messaging.Events;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary>Whoever can produce to a topic cannot change a query model: consumers trust only what the event store holds.</summary>
public sealed class ForgedMessageTests : FaultFixture
{
    [Fact]
    public async Task A_forged_deposit_with_a_new_event_id_changes_no_model_and_parks_the_account_as_not_in_the_event_store()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        await client.GetShownAsync($"/accounts/{account}?minVersion=2");

        var forged = Guid.NewGuid();
        await ProduceAsync(account, forged, version: 3, """{"accountId":"ACCOUNT","amount":1000000,"currency":"EUR","originalAmount":1000000,"originalCurrency":"EUR","exchangeRate":1,"balance":1000005}""".Replace("ACCOUNT", account.ToString(), StringComparison.Ordinal));

        var (_, listed) = await Eventually.ReturnsAsync(
            () => HostProcess.RunCommandAsync(Settings, "dead-letters"),
            run => run.Output.Contains("2 key(s) parked.", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        Assert.Contains($"accounts events_Account {account}: 1 event(s) set aside; first at version 3, event {forged}: InvalidDataException: Not in the event store", listed, StringComparison.Ordinal);
        var shown = await (await client.GetAsync($"/accounts/{account}")).JsonAsync();
        Assert.Equal((5m, 2L), (shown.GetProperty("balance").GetDecimal(), shown.GetProperty("version").GetInt64()));
        Assert.Contains("bank_events_refused", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);

        var (discardExit, discarded) = await HostProcess.RunCommandAsync(Settings, "dead-letters", "discard", "--key", account.ToString());
        Assert.True(discardExit == 0, discarded);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
        shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal((6m, 3L), (shown.GetProperty("balance").GetDecimal(), shown.GetProperty("version").GetInt64()));
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_real_event_sent_again_whether_tampered_or_as_it_was_changes_nothing()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        await client.GetShownAsync($"/accounts/{account}?minVersion=2");
        var real = (await TopicReader.ReadAsync(Broker.BootstrapServers, "events_Account", expected: 2))
            .Single(m => m.Key == account.ToString() && m.Headers[EventHeaders.StreamVersion] == "2");

        await ProduceAsync(real with { Value = Tampered(real.Value) });
        await ProduceAsync(real);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);

        // The deposit's event came after the resent ones on the account's partition: once it shows, they were handled.
        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal(6m, shown.GetProperty("balance").GetDecimal());
        var statement = await (await client.GetAsync($"/accounts/{account}/transactions")).JsonAsync();
        Assert.Equal([1m, 5m], statement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetDecimal()));
        var (_, listed) = await HostProcess.RunCommandAsync(Settings, "dead-letters");
        Assert.Contains("No key is parked.", listed, StringComparison.Ordinal);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task A_tampered_copy_of_a_real_event_the_model_has_not_applied_yet_is_applied_as_the_store_holds_it()
    {
        var (consumer, relay, account) = await StartWithAnEventNotYetRelayedAsync();
        await using var _ = consumer;
        using var client = consumer.CreateClient();
        var real = await StoredEventAsync(account, version: 3);

        // Headers that match the stored event, a payload that would make the account a millionaire.
        await ProduceAsync(account, real.Id, 3, Tampered(real.Data));

        var shown = await client.GetShownAsync($"/accounts/{account}?minVersion=3");
        Assert.Equal(6m, shown.GetProperty("balance").GetDecimal());
        var statement = await (await client.GetAsync($"/accounts/{account}/transactions?minVersion=3")).JsonAsync();
        Assert.Equal([1m, 5m], statement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("amount").GetDecimal()));

        // The real event, relayed at last, changes nothing more.
        await using var relaying = await HostProcess.StartAsync(relay);
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
        Assert.Equal(6m, (await client.GetShownAsync($"/accounts/{account}?minVersion=3")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task A_real_event_id_under_another_message_type_changes_no_model_and_parks_the_account()
    {
        var (consumer, relay, account) = await StartWithAnEventNotYetRelayedAsync();
        await using var _ = consumer;
        using var client = consumer.CreateClient();
        var real = await StoredEventAsync(account, version: 3);

        // The stored deposit's id and version, announced as a withdrawal.
        await ProduceAsync(account, real.Id, 3, real.Data, type: "MoneyWithdrawn");

        var (_, listed) = await Eventually.ReturnsAsync(
            () => HostProcess.RunCommandAsync(relay, "dead-letters"),
            run => run.Output.Contains("key(s) parked.", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        Assert.Contains($"accounts events_Account {account}: 1 event(s) set aside; first at version 3, event {real.Id}: InvalidDataException: Not in the event store", listed, StringComparison.Ordinal);
        var shown = await (await client.GetAsync($"/accounts/{account}")).JsonAsync();
        Assert.Equal((5m, 2L), (shown.GetProperty("balance").GetDecimal(), shown.GetProperty("version").GetInt64()));

        // The real deposit waits behind the forgery until an operator discards it, and is then applied as what it is.
        await using var relaying = await HostProcess.StartAsync(relay);
        var (discardExit, discarded) = await HostProcess.RunCommandAsync(relay, "dead-letters", "discard", "--key", account.ToString(), "--event", real.Id.ToString());
        Assert.True(discardExit == 0, discarded);
        await Eventually.ReturnsAsync(
            () => HostProcess.RunCommandAsync(relay, "dead-letters", "replay"),
            run => run.Output.Contains("No parked key matches.", StringComparison.Ordinal) || run.Output.Contains("no longer parked", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        var statement = await client.GetShownAsync($"/accounts/{account}/transactions?minVersion=3");
        Assert.Equal(["deposit", "deposit"], statement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()));
        var (exitCode, output) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, output);
    }

    /// <summary>
    /// A consuming instance that does not relay, and an account at version 3 whose first two events it applied: the third is
    /// committed and not yet relayed (the relaying instance stopped). Returns the consuming instance, the relaying instance's
    /// settings and the account.
    /// </summary>
    private async Task<(HostProcess Consumer, Dictionary<string, string> Relay, Guid Account)> StartWithAnEventNotYetRelayedAsync()
    {
        var consumerSettings = new Dictionary<string, string>(Settings) { ["Relay:Enabled"] = "false" };
        var relaySettings = new Dictionary<string, string>(Settings) { ["Messaging:ConsumersEnabled"] = "false" };
        var consumer = await HostProcess.StartAsync(consumerSettings);
        using var client = consumer.CreateClient();
        Guid account;
        await using (var relay = await HostProcess.StartAsync(relaySettings))
        {
            account = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
            await client.GetShownAsync($"/accounts/{account}?minVersion=2");
            await relay.StopAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR" })).StatusCode);
        return (consumer, relaySettings, account);
    }

    // A payload that would make the account a millionaire, in the event's own form (version 2: money as strings).
    private static string Tampered(string json)
    {
        var tampered = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(JsonValueKind.String, tampered["balance"]!.GetValueKind());
        tampered["amount"] = "1000000";
        tampered["balance"] = "1000005";
        return tampered.ToJsonString();
    }

    private async Task<(Guid Id, string Type, string Data)> StoredEventAsync(Guid account, long version)
    {
        var row = await Database.ScalarAsync<string>(
            $"SELECT concat_ws('|', id, type, data::text) FROM bank.mt_events WHERE stream_id = '{account}' AND version = {version}");
        var parts = row.Split('|', 3);
        return (Guid.Parse(parts[0]), parts[1], parts[2]);
    }

    [Fact]
    public async Task Verify_names_a_document_edited_to_a_higher_version_and_the_fields_of_one_edited_in_place()
    {
        await using var host = await HostProcess.StartAsync(Settings);
        using var client = host.CreateClient();
        var edited = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        var raised = await client.OpenAccountAsync("EUR", initialDeposit: 5m);
        var (cleanExit, cleanOutput) = await ConvergeAndVerifyAsync();
        Assert.True(cleanExit == 0, cleanOutput);

        await Database.ScalarAsync<int>(
            $"WITH changed AS (UPDATE accounts.mt_doc_accountview SET data = jsonb_set(data, '{{balance}}', '1000005') WHERE id = '{edited}' RETURNING 1) SELECT count(*)::int FROM changed");
        await Database.ScalarAsync<int>(
            $"WITH changed AS (UPDATE accounts.mt_doc_accountview SET data = jsonb_set(data, '{{balance}}', '1000005'), mt_version = 3 WHERE id = '{raised}' RETURNING 1) SELECT count(*)::int FROM changed");
        var (exitCode, output) = await HostProcess.RunCommandAsync(Settings, "verify");

        Assert.Equal(1, exitCode);
        Assert.Contains($"AccountDetails {edited}: differs at version 2 in balance", output, StringComparison.Ordinal);
        Assert.Contains($"AccountDetails {raised}: at version 3, newer than the event store (its stream is at 2)", output, StringComparison.Ordinal);
    }

    private Task ProduceAsync(Guid account, Guid eventId, long version, string value, string type = "MoneyDeposited") =>
        ProduceAsync(new TopicMessage("events_Account", 0, 0, account.ToString(), value, new Dictionary<string, string>
        {
            [EventHeaders.MessageType] = type,
            [EventHeaders.EventVersion] = "2",
            [EventHeaders.EventId] = eventId.ToString(),
            [EventHeaders.StreamVersion] = version.ToString(CultureInfo.InvariantCulture),
            [EventHeaders.GlobalPosition] = "1",
            [EventHeaders.Timestamp] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }));

    private Task ProduceAsync(TopicMessage message) =>
        ProduceAsync(message.Topic, message.Key, Encoding.UTF8.GetBytes(message.Value), message.Headers);
}
