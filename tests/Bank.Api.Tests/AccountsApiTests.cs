using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

public sealed class AccountsApiTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Theory]
    [InlineData("EUR")]
    [InlineData("cad")]
    [InlineData("Usd")]
    public async Task Opening_an_account_for_an_existing_customer_answers_201_and_stores_AccountOpened(string currency)
    {
        var customerId = await _client.CreateCustomerAsync();

        var response = await _client.PostJsonAsync("/accounts", new { customerId, currency });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.JsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal($"/accounts/{id}", response.Headers.Location?.OriginalString);
        var stored = await host.Database.ScalarAsync<string>(
            $"SELECT type || ' ' || (data->>'currency') || ' ' || (data->>'customerId') FROM bank.mt_events WHERE stream_id = '{id}'");
        Assert.Equal($"AccountOpened {currency.ToUpperInvariant()} {customerId}", stored);
    }

    [Fact]
    public async Task Opening_an_account_for_an_unknown_customer_gets_404_and_appends_nothing()
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/accounts", new { customerId = Guid.NewGuid(), currency = "EUR" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task An_account_id_is_not_a_customer_id()
    {
        var accountId = await _client.OpenAccountAsync();

        var response = await _client.PostJsonAsync("/accounts", new { customerId = accountId, currency = "EUR" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"currency":"EUR"}""", "customerId")]
    [InlineData("""{"customerId":"not-a-guid","currency":"EUR"}""", "customerId")]
    [InlineData("""{"customerId":"00000000-0000-0000-0000-000000000000","currency":"EUR"}""", "customerId")]
    [InlineData("""{"customerId":"6f9619ff-8b86-d011-b42d-00c04fc964ff"}""", "currency")]
    [InlineData("""{"customerId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","currency":"GBP"}""", "currency")]
    [InlineData("""{"customerId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","currency":""}""", "currency")]
    [InlineData("""{"customerId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","currency":3}""", "currency")]
    public async Task An_invalid_account_request_gets_400_naming_the_field(string body, string field)
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync("/accounts", body);

        await response.AssertFieldErrorAsync(field);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Fact]
    public async Task A_deposit_answers_the_new_balance_and_stream_version()
    {
        var accountId = await _client.OpenAccountAsync("EUR");

        var first = await (await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 100.25m, currency = "EUR" })).JsonAsync();
        var second = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 0.75m, currency = "eur" });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.JsonAsync();
        Assert.Equal(accountId, body.GetProperty("accountId").GetGuid());
        Assert.Equal(101m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(3, body.GetProperty("version").GetInt64());
        Assert.Equal(2, first.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_deposit_in_another_currency_is_converted_and_the_event_records_the_conversion()
    {
        // Configured rates: 1 EUR = 1.08 USD = 1.47 CAD.
        var accountId = await _client.OpenAccountAsync("EUR");

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 108m, currency = "USD" });

        Assert.Equal(100m, (await response.JsonAsync()).GetProperty("balance").GetDecimal());
        var stored = await host.Database.ScalarAsync<string>(
            $"SELECT concat_ws(' ', data->>'amount', data->>'currency', data->>'originalAmount', data->>'originalCurrency', data->>'exchangeRate') " +
            $"FROM bank.mt_events WHERE stream_id = '{accountId}' AND type = 'MoneyDeposited.v2'");
        Assert.Equal("100.00 EUR 108.00 USD 0.9259259259259259259259259259", stored);
    }

    [Fact]
    public async Task A_deposit_in_another_currency_credits_the_converted_amount_rounded_down_to_the_cent()
    {
        // 1.70 EUR at 1.47 CAD per EUR is 2.499 CAD: the account receives 2.49, never a fraction of a cent more.
        var accountId = await _client.OpenAccountAsync("CAD");

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 1.70m, currency = "EUR" });

        Assert.Equal("2.49", (await response.JsonAsync()).GetProperty("balance").GetRawText());
    }

    [Fact]
    public async Task A_billion_in_one_currency_converts_at_the_configured_rate_not_a_rounded_one()
    {
        var accountId = await _client.OpenAccountAsync("EUR");

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 1_000_000_000m, currency = "CAD" });

        Assert.Equal(680_272_108.84m, (await response.JsonAsync()).GetProperty("balance").GetDecimal());
    }

    [Theory]
    [InlineData("deposits", """{"amount":0,"currency":"EUR"}""", "amount")]
    [InlineData("deposits", """{"amount":-5,"currency":"EUR"}""", "amount")]
    [InlineData("deposits", """{"amount":1.001,"currency":"EUR"}""", "amount")]
    [InlineData("deposits", """{"amount":10,"currency":"XBT"}""", "currency")]
    [InlineData("deposits", """{"amount":10}""", "currency")]
    [InlineData("withdrawals", """{"amount":0,"currency":"EUR"}""", "amount")]
    [InlineData("withdrawals", """{"amount":10,"currency":"GBP"}""", "currency")]
    public async Task Invalid_money_on_an_existing_account_gets_400_naming_the_field_and_appends_nothing(string operation, string body, string field)
    {
        var accountId = await _client.OpenAccountAsync("EUR", initialDeposit: 50m);
        var before = await StreamLengthAsync(accountId);

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/{operation}", body);

        await response.AssertFieldErrorAsync(field);
        Assert.Equal(before, await StreamLengthAsync(accountId));
    }

    [Fact]
    public async Task A_withdrawal_takes_money_out_and_answers_the_new_balance()
    {
        var accountId = await _client.OpenAccountAsync("CAD", initialDeposit: 50m);

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 20.5m, currency = "CAD" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(29.5m, body.GetProperty("balance").GetDecimal());
        Assert.Equal(3, body.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_withdrawal_of_the_whole_balance_leaves_zero()
    {
        var accountId = await _client.OpenAccountAsync("USD", initialDeposit: 10m);

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 10m, currency = "USD" });

        Assert.Equal(0m, (await response.JsonAsync()).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task A_withdrawal_beyond_the_balance_gets_422_and_appends_nothing()
    {
        var accountId = await _client.OpenAccountAsync("EUR", initialDeposit: 10m);
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 10.01m, currency = "EUR" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("10.00 EUR", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData("deposits")]
    [InlineData("withdrawals")]
    public async Task Moving_money_on_an_unknown_account_gets_404(string operation)
    {
        var response = await _client.PostJsonAsync($"/accounts/{Guid.NewGuid()}/{operation}", new { amount = 1m, currency = "EUR" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("deposits")]
    [InlineData("withdrawals")]
    public async Task Moving_money_on_a_customer_id_gets_404(string operation)
    {
        var customerId = await _client.CreateCustomerAsync();

        var response = await _client.PostJsonAsync($"/accounts/{customerId}/{operation}", new { amount = 1m, currency = "EUR" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("deposits")]
    [InlineData("withdrawals")]
    public async Task An_invalid_account_id_gets_400(string operation)
    {
        var response = await _client.PostJsonAsync($"/accounts/not-a-guid/{operation}", new { amount = 1m, currency = "EUR" });

        await response.AssertFieldErrorAsync("id");
    }

    [Fact]
    public async Task Fifty_parallel_withdrawals_of_1_from_20_give_20_successes_30_refusals_and_contiguous_versions()
    {
        var accountId = await _client.OpenAccountAsync("EUR", initialDeposit: 20m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            _client.PostJsonAsync($"/accounts/{accountId}/withdrawals", new { amount = 1m, currency = "EUR" })));

        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        var balance = await host.Database.ScalarAsync<string>(
            $"SELECT data->>'balance' FROM accounts.mt_doc_account WHERE id = '{accountId}'");
        Assert.Equal(0m, decimal.Parse(balance, System.Globalization.CultureInfo.InvariantCulture));
        var versions = await host.Database.ScalarAsync<string>(
            $"SELECT string_agg(version::text, ',' ORDER BY version) FROM bank.mt_events WHERE stream_id = '{accountId}'");
        Assert.Equal(string.Join(',', Enumerable.Range(1, 22)), versions);
    }

    [Fact]
    public async Task Parallel_deposits_and_withdrawals_all_succeed_against_the_latest_balance()
    {
        var accountId = await _client.OpenAccountAsync("EUR", initialDeposit: 100m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            _client.PostJsonAsync($"/accounts/{accountId}/{(i % 2 == 0 ? "deposits" : "withdrawals")}", new { amount = 2m, currency = "EUR" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var last = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 0.01m, currency = "EUR" });
        Assert.Equal(100.01m, (await last.JsonAsync()).GetProperty("balance").GetDecimal());
    }

    private Task<long> StreamLengthAsync(Guid accountId) =>
        host.Database.ScalarAsync<long>($"SELECT count(*) FROM bank.mt_events WHERE stream_id = '{accountId}'");
}
