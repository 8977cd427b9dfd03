using System.Net;
using System.Text.Json;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary><c>GET /accounts/{id}/transactions</c>: every money movement once, newest first, with the balance after it.</summary>
public sealed class StatementApiTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task A_statement_read_with_the_last_version_holds_every_movement_of_a_burst_none_skipped()
    {
        // The account's details copy the balance of its newest event, so they would hide a skipped one: its statement would not.
        var account = await _client.OpenAccountAsync("EUR");
        var deposits = Enumerable.Range(1, 40).Select(i => PostOkAsync($"/accounts/{account}/deposits", new { amount = i, currency = "EUR" }));
        var versions = (await Task.WhenAll(deposits)).Select(d => d.GetProperty("version").GetInt64()).ToList();

        var statement = await _client.GetShownAsync($"/accounts/{account}/transactions?pageSize=200&minVersion={versions.Max()}");

        var items = statement.GetProperty("items").EnumerateArray().Reverse().ToList();
        Assert.Equal(Enumerable.Range(2, 40).Select(v => (long)v), items.Select(i => i.GetProperty("version").GetInt64()));
        var balance = 0m;
        foreach (var item in items)
        {
            balance += item.GetProperty("amount").GetDecimal();
            Assert.Equal(balance, item.GetProperty("balance").GetDecimal());
        }

        Assert.Equal(820m, balance);
    }

    [Fact]
    public async Task A_statement_shows_each_movement_once_newest_first_with_the_balance_after_it()
    {
        var account = await _client.OpenAccountAsync("EUR");
        var other = await _client.OpenAccountAsync("USD", initialDeposit: 54m);
        await PostOkAsync($"/accounts/{account}/deposits", new { amount = 108m, currency = "USD" });
        await PostOkAsync($"/accounts/{account}/withdrawals", new { amount = 30m, currency = "EUR" });
        var sent = await PostOkAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount = 20m, currency = "EUR" });
        var received = await PostOkAsync("/transfers", new { fromAccountId = other, toAccountId = account, amount = 10.80m, currency = "USD" });
        var version = received.GetProperty("to").GetProperty("version").GetInt64();

        var statement = await GetOkAsync($"/accounts/{account}/transactions?minVersion={version}");

        Assert.Equal(5, version);
        Assert.Equal(4, statement.GetProperty("totalCount").GetInt64());
        Assert.Equal(1, statement.GetProperty("page").GetInt32());
        Assert.Equal(50, statement.GetProperty("pageSize").GetInt32());
        var items = statement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([5L, 4L, 3L, 2L], items.Select(i => i.GetProperty("version").GetInt64()));
        Assert.Equal(["transferIn", "transferOut", "withdrawal", "deposit"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal([60m, 50m, 70m, 100m], items.Select(i => i.GetProperty("balance").GetDecimal()));
        Assert.Equal([10m, 20m, 30m, 100m], items.Select(i => i.GetProperty("amount").GetDecimal()));

        var deposit = items[3];
        Assert.Equal("EUR", deposit.GetProperty("currency").GetString());
        Assert.Equal(108m, deposit.GetProperty("originalAmount").GetDecimal());
        Assert.Equal("USD", deposit.GetProperty("originalCurrency").GetString());
        Assert.Equal(JsonValueKind.Null, deposit.GetProperty("transferId").ValueKind);
        Assert.Equal(JsonValueKind.Null, deposit.GetProperty("counterpartyAccountId").ValueKind);
        Assert.True(deposit.GetProperty("occurredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        Assert.Equal(sent.GetProperty("transferId").GetGuid(), items[1].GetProperty("transferId").GetGuid());
        Assert.Equal(other, items[1].GetProperty("counterpartyAccountId").GetGuid());
        Assert.Equal(received.GetProperty("transferId").GetGuid(), items[0].GetProperty("transferId").GetGuid());
        Assert.Equal(other, items[0].GetProperty("counterpartyAccountId").GetGuid());
        Assert.Equal(10.80m, items[0].GetProperty("originalAmount").GetDecimal());
    }

    [Fact]
    public async Task A_statement_comes_a_page_at_a_time()
    {
        var account = await _client.OpenAccountAsync("EUR");
        long version = 0;
        for (var amount = 1; amount <= 5; amount++)
        {
            version = (await PostOkAsync($"/accounts/{account}/deposits", new { amount, currency = "EUR" })).GetProperty("version").GetInt64();
        }

        var second = await GetOkAsync($"/accounts/{account}/transactions?page=2&pageSize=2&minVersion={version}");
        var third = await GetOkAsync($"/accounts/{account}/transactions?page=3&pageSize=2");

        Assert.Equal(5, second.GetProperty("totalCount").GetInt64());
        Assert.Equal([4L, 3L], second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("version").GetInt64()));
        Assert.Equal([2L], third.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("version").GetInt64()));
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    [InlineData("minVersion=0", "minVersion")]
    [InlineData("minVersion=99", "minVersion")]
    public async Task A_bad_statement_query_gets_400_naming_the_parameter(string query, string field)
    {
        var account = await _client.OpenAccountAsync("EUR");

        var response = await _client.GetAsync($"/accounts/{account}/transactions?{query}");

        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task The_statement_of_an_unknown_account_is_404()
    {
        var response = await _client.GetAsync($"/accounts/{Guid.NewGuid()}/transactions");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_payer_s_reference_is_trimmed_kept_on_each_movement_and_on_both_sides_of_a_transfer()
    {
        var account = await _client.OpenAccountAsync("EUR");
        var other = await _client.OpenAccountAsync("EUR");
        var longest = new string('r', 140);
        await PostOkAsync($"/accounts/{account}/deposits", new { amount = 100m, currency = "EUR", reference = "  Salary March\t" });
        await PostOkAsync($"/accounts/{account}/withdrawals", new { amount = 10m, currency = "EUR", reference = $"  {longest}  " });
        await PostOkAsync($"/accounts/{account}/deposits", new { amount = 1m, currency = "EUR", reference = "   " });
        var sent = await PostOkAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount = 5m, currency = "EUR", reference = "Rent" });

        var statement = await GetOkAsync($"/accounts/{account}/transactions?minVersion={sent.GetProperty("from").GetProperty("version").GetInt64()}");
        var received = await GetOkAsync($"/accounts/{other}/transactions?minVersion={sent.GetProperty("to").GetProperty("version").GetInt64()}");

        Assert.Equal(
            ["Rent", null, longest, "Salary March"],
            statement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("reference").GetString()));
        Assert.Equal("Rent", received.GetProperty("items")[0].GetProperty("reference").GetString());
    }

    private async Task<JsonElement> PostOkAsync(string path, object body)
    {
        var response = await _client.PostJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<JsonElement> GetOkAsync(string path) => _client.GetShownAsync(path);
}
