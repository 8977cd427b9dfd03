using System.Net;
using System.Text;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>Garbage thrown at every command endpoint: always a 4xx problem+json, never a change.</summary>
public sealed class BadInputTests(BankHost host) : IClassFixture<BankHost>
{
    private const string ValidId = "6f9619ff-8b86-d011-b42d-00c04fc964ff";

    private readonly HttpClient _client = host.CreateApiClient();

    public static TheoryData<string, string> Bodies()
    {
        var endpoints = new[] { "/customers", "/accounts", $"/accounts/{ValidId}/deposits", $"/accounts/{ValidId}/withdrawals" };
        var bodies = new[]
        {
            "",
            "{",
            "not json",
            "[]",
            "null",
            "42",
            "\"text\"",
            """{"amount":}""",
            """{"firstName":{"nested":{"deeper":{"deepest":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}}}}""",
            """{"customerId":"abc","currency":"EUR"}""",
            """{"customerId":12,"currency":"EUR"}""",
            """{"amount":1e309,"currency":"EUR"}""",
            """{"amount":12345678901234567890123456789012,"currency":"EUR"}""",
            """{"amount":"10","currency":"EUR"}""",
            """{"amount":true,"currency":"EUR"}""",
            """{"amount":0,"currency":"EUR"}""",
            """{"amount":-0.01,"currency":"EUR"}""",
            """{"amount":0.001,"currency":"EUR"}""",
            """{"amount":1000000000.01,"currency":"EUR"}""",
            """{"amount":10,"currency":""}""",
            """{"amount":10,"currency":"XBT"}""",
            """{"amount":10,"currency":"E U R"}""",
            """{"amount":10}""",
            """{"firstName":"\u0000","lastName":"x","email":"a@b.c"}""",
            """{"email":"a@b.c"}""",
            """{"amount":1,"amount":2,"currency":"EUR"}""",
            """{"amount":1,"currency":"EUR","customerId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","ammount":2}""",
        };
        var data = new TheoryData<string, string>();
        foreach (var endpoint in endpoints)
        {
            foreach (var body in bodies)
            {
                data.Add(endpoint, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_or_invalid_bodies_get_a_4xx_problem_and_change_nothing(string endpoint, string body)
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync(endpoint, body);

        AssertClientError(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData("/customers")]
    [InlineData("/accounts")]
    [InlineData($"/accounts/{ValidId}/deposits")]
    [InlineData($"/accounts/{ValidId}/withdrawals")]
    public async Task A_multi_megabyte_body_gets_413(string endpoint)
    {
        var huge = "{\"firstName\":\"" + new string('a', 3 * 1024 * 1024) + "\"}";
        // As curl does for large bodies: the server refuses by the declared length, before the body is sent.
        // Without it, the server answers and closes while the client still writes, and the client may see
        // "broken pipe" instead of the answer.
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;

        var response = await _client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/customers")]
    [InlineData($"/accounts/{ValidId}/deposits")]
    public async Task A_body_that_is_not_json_gets_415(string endpoint)
    {
        var response = await _client.PostAsync(endpoint, new StringContent("amount=1", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/accounts/%20/deposits")]
    [InlineData("/accounts/123/deposits")]
    [InlineData("/accounts/6f9619ff8b86d011b42d00c04fc964ffXX/withdrawals")]
    [InlineData("/accounts/'%3B%20DROP%20TABLE%20x%3B--/withdrawals")]
    public async Task Invalid_ids_in_the_path_get_400(string path)
    {
        var response = await _client.PostJsonAsync(path, new { amount = 1m, currency = "EUR" });

        AssertClientError(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("[]", "body", "The request body must be a JSON object with the command's fields.")]
    [InlineData("42", "body", "The request body must be a JSON object with the command's fields.")]
    [InlineData("""{"amount":1,"amount":2,"currency":"EUR"}""", "amount", "'amount' appears more than once; send each field once.")]
    [InlineData("""{"amount":1,"currency":"EUR","ammount":2}""", "ammount", "'ammount' is not a field of this request.")]
    [InlineData("""{"Amount":1,"Currency":"EUR"}""", "Amount", "'Amount' is not a field of this request; field names are camelCase and case-sensitive.")]
    [InlineData("""{"amount":}""", "body", "The request body is not valid JSON (line 1, byte 11).")]
    public async Task A_body_of_the_wrong_shape_says_what_is_wrong_with_it(string body, string field, string message)
    {
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync($"/accounts/{ValidId}/deposits", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("detail").GetString());
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData("deposits")]
    [InlineData("withdrawals")]
    [InlineData("transfers")]
    public async Task A_reference_longer_than_140_characters_is_refused_naming_the_limit_and_changes_nothing(string command)
    {
        var account = await _client.OpenAccountAsync("EUR", initialDeposit: 50m);
        var other = await _client.OpenAccountAsync("EUR");
        var before = await host.CountEventsAsync();
        var reference = " " + new string('x', 141) + " ";

        var response = command == "transfers"
            ? await _client.PostJsonAsync("/transfers", new { fromAccountId = account, toAccountId = other, amount = 1m, currency = "EUR", reference })
            : await _client.PostJsonAsync($"/accounts/{account}/{command}", new { amount = 1m, currency = "EUR", reference });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            "Must be at most 140 characters once trimmed; it has 141.", problem.GetProperty("errors").GetProperty("reference")[0].GetString());
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData("""{"amount":"10","currency":"EUR"}""", "Must be a JSON number (not a string), such as 10.50.")]
    [InlineData("""{"amount":1e309,"currency":"EUR"}""", "Must be at most 1,000,000,000.")]
    [InlineData("""{"amount":1e30,"currency":"EUR"}""", "Must be at most 1,000,000,000.")]
    [InlineData("""{"amount":1.000000000000000000000000000001,"currency":"EUR"}""", "Must have at most 2 decimal places.")]
    [InlineData("""{"amount":-1e30,"currency":"EUR"}""", "Must be greater than 0.")]
    public async Task An_amount_that_no_decimal_can_hold_exactly_gets_the_rule_it_breaks(string body, string message)
    {
        var accountId = await _client.OpenAccountAsync("EUR");
        var before = await host.CountEventsAsync();

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty("amount")[0].GetString());
        Assert.Equal($"'amount': {message}", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await host.CountEventsAsync());
    }

    [Theory]
    [InlineData(" EUR")]
    [InlineData("EUR ")]
    [InlineData("E U R")]
    public async Task A_currency_with_blanks_is_refused_naming_the_rule(string currency)
    {
        var accountId = await _client.OpenAccountAsync("EUR");

        var response = await _client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = 1m, currency });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            $"'{currency}' is not a currency of the bank; one of EUR, CAD, USD, in any case, without blanks.",
            problem.GetProperty("errors").GetProperty("currency")[0].GetString());
    }

    [Fact]
    public async Task An_id_that_is_not_a_guid_is_named_so()
    {
        var response = await _client.PostJsonAsync("/accounts", """{"customerId":"abc","currency":"EUR"}""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("'customerId' must be a GUID, such as 6f9619ff-8b86-d011-b42d-00c04fc964ff.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_size_limit_and_the_content_type_are_spelt_out()
    {
        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, "/customers")
        {
            Content = new StringContent("{\"firstName\":\"" + new string('a', 100 * 1024) + "\"}", Encoding.UTF8, "application/json"),
        };
        tooLarge.Headers.ExpectContinue = true;
        var large = await (await _client.SendAsync(tooLarge)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most 64 KiB", large.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var form = await (await _client.PostAsync("/customers", new StringContent("firstName=Ada", Encoding.UTF8, "application/x-www-form-urlencoded")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("'Content-Type: application/json'", form.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var path = await (await _client.PostJsonAsync("/accounts/123/deposits", new { amount = 1m, currency = "EUR" })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'123', is not a GUID", path.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_read_and_one_byte_more_gets_413()
    {
        var accountId = await _client.OpenAccountAsync("EUR");

        var atLimit = await _client.SendAsync(DepositPaddedTo(accountId, 64 * 1024));
        var overLimit = await _client.SendAsync(DepositPaddedTo(accountId, (64 * 1024) + 1));

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        await overLimit.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var balance = await host.Database.ScalarAsync<decimal>(
            $"SELECT (data->>'balance')::numeric FROM bank.mt_events WHERE stream_id = '{accountId}' ORDER BY version DESC LIMIT 1");
        Assert.Equal(1m, balance);
    }

    /// <summary>A deposit of 1 EUR, its JSON padded with spaces to exactly <paramref name="bytes"/> bytes.</summary>
    private static HttpRequestMessage DepositPaddedTo(Guid accountId, int bytes)
    {
        const string json = """{"amount":1,"currency":"EUR"}""";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/accounts/{accountId}/deposits")
        {
            Content = new StringContent(json + new string(' ', bytes - json.Length), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        return request;
    }

    private static void AssertClientError(HttpResponseMessage response) =>
        Assert.True(
            (int)response.StatusCode is >= 400 and < 500,
            $"Expected a 4xx, got {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
}
