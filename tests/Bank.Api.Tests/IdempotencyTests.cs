using System.Net;
using System.Text;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>The <c>Idempotency-Key</c> header: a retried command runs once and gets the first answer again.</summary>
public sealed class IdempotencyTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task A_repeated_deposit_with_the_same_key_answers_the_first_answer_and_appends_nothing()
    {
        var account = await _client.OpenAccountAsync("EUR");
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync($"/accounts/{account}/deposits", key, """{"amount":10,"currency":"EUR"}""");
        var events = await host.CountEventsAsync();
        var repeat = await PostAsync($"/accounts/{account}/deposits", key, """{ "currency": "EUR", "amount": 10 }""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.True(repeat.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(events, await host.CountEventsAsync());
        Assert.Equal(2, await host.Database.ScalarAsync<long>($"SELECT count(*) FROM bank.mt_events WHERE stream_id = '{account}'"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_path_gets_422_and_appends_nothing()
    {
        var account = await _client.OpenAccountAsync("EUR", initialDeposit: 50m);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"/accounts/{account}/deposits", key, """{"amount":10,"currency":"EUR"}""")).StatusCode);
        var events = await host.CountEventsAsync();

        var otherBody = await PostAsync($"/accounts/{account}/deposits", key, """{"amount":11,"currency":"EUR"}""");
        var otherPath = await PostAsync($"/accounts/{account}/withdrawals", key, """{"amount":10,"currency":"EUR"}""");

        await otherBody.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await otherPath.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(events, await host.CountEventsAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_deposits_with_one_key_append_one_event_and_all_get_the_first_answer_or_409()
    {
        var account = await _client.OpenAccountAsync("EUR");
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            var response = await PostAsync($"/accounts/{account}/deposits", key, """{"amount":7,"currency":"EUR"}""");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })));

        Assert.Equal(2, await host.Database.ScalarAsync<long>($"SELECT count(*) FROM bank.mt_events WHERE stream_id = '{account}'"));
        var first = answers.First(a => a.StatusCode == HttpStatusCode.OK).Body;
        Assert.Contains("\"version\":2", first, StringComparison.Ordinal);
        Assert.All(answers, a => Assert.True(
            (a.StatusCode == HttpStatusCode.OK && a.Body == first) || a.StatusCode == HttpStatusCode.Conflict,
            $"{(int)a.StatusCode} {a.Body}"));
    }

    [Fact]
    public async Task A_repeated_customer_registration_with_the_same_key_answers_the_same_customer()
    {
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"firstName":"Grace","lastName":"Hopper","email":"{{Guid.NewGuid():N}}@example.com"}""";

        var first = await PostAsync("/customers", key, body);
        var repeat = await PostAsync("/customers", key, body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_refused_transfer_is_answered_the_same_to_a_retry_with_its_key()
    {
        var from = await _client.OpenAccountAsync("EUR", initialDeposit: 5m);
        var to = await _client.OpenAccountAsync("EUR");
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"fromAccountId":"{{from}}","toAccountId":"{{to}}","amount":6,"currency":"EUR"}""";

        var first = await PostAsync("/transfers", key, body);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync($"/accounts/{from}/deposits", new { amount = 5m, currency = "EUR" })).StatusCode);
        var repeat = await PostAsync("/transfers", key, body);
        var fresh = await PostAsync("/transfers", Guid.NewGuid().ToString(), body);

        await first.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Theory]
    [InlineData("5", "5.0")]
    [InlineData("5", "5.00")]
    [InlineData("12.5", "1.25e1")]
    public async Task The_same_amount_written_another_way_is_the_same_request(string first, string second)
    {
        var account = await _client.OpenAccountAsync("EUR");
        var key = Guid.NewGuid().ToString();

        var original = await PostAsync($"/accounts/{account}/deposits", key, $$"""{"amount":{{first}},"currency":"EUR"}""");
        var repeat = await PostAsync($"/accounts/{account}/deposits", key, $$"""{"currency":"EUR","amount":{{second}}}""");

        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.True(repeat.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true");
        Assert.Equal(await original.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(40_000)]
    public async Task A_malformed_key_gets_400_and_appends_nothing(int length)
    {
        var account = await _client.OpenAccountAsync("EUR");
        var events = await host.CountEventsAsync();

        var response = await PostAsync($"/accounts/{account}/deposits", new string('k', length), """{"amount":1,"currency":"EUR"}""");

        await response.AssertFieldErrorAsync("Idempotency-Key");
        Assert.Equal(events, await host.CountEventsAsync());
    }

    private Task<HttpResponseMessage> PostAsync(string path, string key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return _client.SendAsync(request);
    }
}
