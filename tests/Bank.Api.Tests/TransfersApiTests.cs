using System.Globalization;
using System.Net;
using System.Text.Json;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary><c>POST /transfers</c>: both accounts change in one transaction, or neither does.</summary>
public sealed class TransfersApiTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task A_transfer_debits_the_source_and_credits_the_destination_each_in_its_own_currency()
    {
        var from = await _client.OpenAccountAsync("EUR", initialDeposit: 100m);
        var to = await _client.OpenAccountAsync("USD");

        var response = await _client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 10m, currency = "EUR" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var transferId = body.GetProperty("transferId").GetGuid();
        AssertSide(body.GetProperty("from"), from, balance: 90m, version: 3);
        AssertSide(body.GetProperty("to"), to, balance: 10.80m, version: 2);

        var paid = await EventAsync(from, 3);
        Assert.Equal("MoneyTransferredOut.v2", paid.GetProperty("type").GetString());
        Assert.Equal(transferId, paid.GetProperty("transferId").GetGuid());
        Assert.Equal(to, paid.GetProperty("toAccountId").GetGuid());
        Assert.Equal(10m, StoredMoney(paid, "amount"));
        Assert.Equal("EUR", paid.GetProperty("originalCurrency").GetString());
        var received = await EventAsync(to, 2);
        Assert.Equal("MoneyTransferredIn.v2", received.GetProperty("type").GetString());
        Assert.Equal(transferId, received.GetProperty("transferId").GetGuid());
        Assert.Equal(from, received.GetProperty("fromAccountId").GetGuid());
        Assert.Equal(10.80m, StoredMoney(received, "amount"));
        Assert.Equal("USD", received.GetProperty("currency").GetString());
        Assert.Equal(10m, StoredMoney(received, "originalAmount"));
        Assert.Equal(1.08m, StoredMoney(received, "exchangeRate"));

        var source = await _client.GetShownAsync($"/accounts/{from}?minVersion=3");
        var destination = await _client.GetShownAsync($"/accounts/{to}?minVersion=2");
        Assert.Equal(90m, source.GetProperty("balance").GetDecimal());
        Assert.Equal(10.80m, destination.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task A_transfer_in_a_third_currency_converts_for_each_side_and_shows_in_the_owners_total_balance()
    {
        var customerId = await _client.CreateCustomerAsync();
        var from = await OpenAsync(customerId, "USD", deposit: 21.60m);
        var to = await OpenAsync(customerId, "CAD", deposit: 0m);

        var response = await _client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 10m, currency = "EUR" });

        var body = await response.JsonAsync();
        AssertSide(body.GetProperty("from"), from, balance: 10.80m, version: 3);
        AssertSide(body.GetProperty("to"), to, balance: 14.70m, version: 2);
        await _client.GetShownAsync($"/customers/{customerId}?accountId={from}&minVersion=3");
        var customer = await _client.GetShownAsync($"/customers/{customerId}?accountId={to}&minVersion=2");
        Assert.Equal(20m, customer.GetProperty("totalBalance").GetProperty("amount").GetDecimal());
        Assert.Equal(2, customer.GetProperty("accounts").GetArrayLength());
    }

    [Fact]
    public async Task Looping_cent_transfers_between_two_currencies_creates_no_money()
    {
        // Once: ten rounds of this loop turned 0.01 CAD into 0.11 CAD, every answer a 200.
        var customerId = await _client.CreateCustomerAsync();
        var cad = await OpenAsync(customerId, "CAD", deposit: 0.01m);
        var eur = await OpenAsync(customerId, "EUR", deposit: 0m);
        using var customer = host.CreateApiClient().As(TestTokens.Customer(customerId));

        var answers = new List<HttpStatusCode>();
        for (var round = 0; round < 10; round++)
        {
            answers.Add((await customer.PostJsonAsync("/transfers", new { fromAccountId = cad, toAccountId = eur, amount = 0.01m, currency = "USD" })).StatusCode);
            answers.Add((await customer.PostJsonAsync("/transfers", new { fromAccountId = eur, toAccountId = cad, amount = 0.02m, currency = "CAD" })).StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.OK, answers);
        // Both accounts in the customer's model: the empty one (version 1) first, then the other at its last version.
        await customer.GetShownAsync($"/customers/{customerId}?accountId={eur}&minVersion=1");
        var shown = await customer.GetShownAsync($"/customers/{customerId}?accountId={cad}&minVersion=2");
        Assert.Equal([0.01m, 0m], shown.GetProperty("accounts").EnumerateArray().OrderBy(a => a.GetProperty("currency").GetString())
            .Select(a => a.GetProperty("balance").GetDecimal()));
    }

    [Fact]
    public async Task A_transfer_of_which_the_destination_would_receive_nothing_gets_400_saying_so_and_moves_nothing()
    {
        var from = await _client.OpenAccountAsync("CAD", initialDeposit: 1m);
        var to = await _client.OpenAccountAsync("EUR");
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 0.01m, currency = "CAD" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            "0.01 CAD is less than 0.01 EUR once converted; the receiving account would get nothing.",
            problem.GetProperty("errors").GetProperty("amount")[0].GetString());
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task A_transfer_above_the_balance_gets_422_and_appends_nothing()
    {
        var from = await _client.OpenAccountAsync("EUR", initialDeposit: 5m);
        var to = await _client.OpenAccountAsync("EUR");
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 5.01m, currency = "EUR" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("transfer needs 5.01 EUR", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task A_transfer_naming_an_unknown_account_gets_404_naming_it_and_appends_nothing()
    {
        var known = await _client.OpenAccountAsync("EUR", initialDeposit: 50m);
        var unknown = Guid.NewGuid();
        var before = await host.CountEventsAsync();

        foreach (var (from, to) in new[] { (known, unknown), (unknown, known) })
        {
            var response = await _client.PostJsonAsync("/transfers", new { fromAccountId = from, toAccountId = to, amount = 1m, currency = "EUR" });

            var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.Contains(unknown.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData("""{"toAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1,"currency":"EUR"}""", "fromAccountId")]
    [InlineData("""{"fromAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1,"currency":"EUR"}""", "toAccountId")]
    [InlineData("""{"fromAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","toAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1,"currency":"EUR"}""", "toAccountId")]
    [InlineData("""{"fromAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","toAccountId":"7f9619ff-8b86-d011-b42d-00c04fc964ff","amount":0,"currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","toAccountId":"7f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1.001,"currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","toAccountId":"7f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1,"currency":"GBP"}""", "currency")]
    [InlineData("""{"fromAccountId":"nope","toAccountId":"7f9619ff-8b86-d011-b42d-00c04fc964ff","amount":1,"currency":"EUR"}""", "fromAccountId")]
    public async Task An_invalid_transfer_gets_400_naming_the_field_and_appends_nothing(string body, string field)
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/transfers", body);

        await response.AssertFieldErrorAsync(field);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    private async Task<Guid> OpenAsync(Guid customerId, string currency, decimal deposit)
    {
        var opened = await (await _client.PostJsonAsync("/accounts", new { customerId, currency })).JsonAsync();
        var accountId = opened.GetProperty("id").GetGuid();
        if (deposit > 0)
        {
            Assert.Equal(
                HttpStatusCode.OK,
                (await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = deposit, currency })).StatusCode);
        }

        return accountId;
    }

    private async Task<JsonElement> EventAsync(Guid streamId, long version)
    {
        var json = await host.Database.ScalarAsync<string>(
            $"SELECT jsonb_set(data, '{{type}}', to_jsonb(type))::text FROM bank.mt_events WHERE stream_id = '{streamId}' AND version = {version}");
        return JsonDocument.Parse(json).RootElement;
    }

    // Stored as version 2: money as decimal strings.
    private static decimal StoredMoney(JsonElement e, string name)
    {
        Assert.Equal(JsonValueKind.String, e.GetProperty(name).ValueKind);
        return decimal.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
    }

    private static void AssertSide(JsonElement side, Guid accountId, decimal balance, long version)
    {
        Assert.Equal(accountId, side.GetProperty("accountId").GetGuid());
        Assert.Equal(balance, side.GetProperty("balance").GetDecimal());
        Assert.Equal(version, side.GetProperty("version").GetInt64());
    }
}
