using System.Net;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

public sealed class HostEndpointsTests(BankHost host) : IClassFixture<BankHost>
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task The_OpenAPI_document_describes_every_command()
    {
        var document = await _client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/customers\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/accounts\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/accounts/{id}/deposits\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/accounts/{id}/withdrawals\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/transfers\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/accounts/{id}/transactions\"", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_declares_the_Idempotency_Key_header_on_every_command_and_each_list_s_largest_page()
    {
        var paths = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");

        foreach (var command in new[] { "/customers", "/accounts", "/accounts/{id}/deposits", "/accounts/{id}/withdrawals", "/transfers" })
        {
            var parameters = paths.GetProperty(command).GetProperty("post").GetProperty("parameters").EnumerateArray();
            Assert.Contains(parameters, p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        }

        Assert.Equal(100, MaxPageSize(paths.GetProperty("/customers").GetProperty("get")));
        Assert.Equal(200, MaxPageSize(paths.GetProperty("/accounts/{id}/transactions").GetProperty("get")));
        Assert.DoesNotContain(
            paths.GetProperty("/accounts/{id}").GetProperty("get").GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Idempotency-Key");
    }

    private static int MaxPageSize(System.Text.Json.JsonElement operation) =>
        operation.GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "pageSize")
            .GetProperty("schema").GetProperty("maximum").GetInt32();

    [Fact]
    public async Task The_OpenAPI_document_advertises_money_as_decimals_paging_as_integers_and_the_413_and_415_answers()
    {
        var document = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json")).RootElement;

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal("decimal", schemas.GetProperty("MoneyMovementRequest").GetProperty("properties").GetProperty("amount").GetProperty("format").GetString());
        Assert.Equal("decimal", schemas.GetProperty("BalanceAfterMovement").GetProperty("properties").GetProperty("balance").GetProperty("format").GetString());
        var list = document.GetProperty("paths").GetProperty("/customers").GetProperty("get");
        foreach (var parameter in list.GetProperty("parameters").EnumerateArray())
        {
            Assert.Equal("integer", parameter.GetProperty("schema").GetProperty("type").GetString());
        }

        var depositOperation = document.GetProperty("paths").GetProperty("/accounts/{id}/deposits").GetProperty("post");
        Assert.EndsWith(
            "/MoneyMovementRequest",
            depositOperation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(),
            StringComparison.Ordinal);
        var deposit = depositOperation.GetProperty("responses");
        Assert.True(deposit.TryGetProperty("413", out _) && deposit.TryGetProperty("415", out _), deposit.ToString());
    }

    [Fact]
    public async Task The_interactive_API_reference_is_served()
    {
        var page = await _client.GetAsync("/scalar/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_reports_PostgreSQL_reachable()
    {
        // Right after start the consumer groups may still be joining, which /health reports too.
        var response = await Eventually.ReturnsAsync(() => _client.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.JsonAsync();
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_route_gets_a_404_problem()
    {
        var response = await _client.GetAsync("/no-such-thing");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
