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
        var response = await _client.GetAsync("/health");

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
