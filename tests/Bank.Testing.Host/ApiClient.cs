using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Bank.Testing;

/// <summary>Small helpers that keep the tests about the API rather than about HttpClient.</summary>
public static class ApiClient
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostJsonAsync(path, JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public static async Task<Guid> CreateCustomerAsync(this HttpClient client, string? email = null)
    {
        var response = await client.PostJsonAsync(
            "/customers", new { firstName = "Ada", lastName = "Lovelace", email = email ?? $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>Opens an account for <paramref name="customerId"/>, or for a new customer.</summary>
    public static async Task<Guid> OpenAccountAsync(this HttpClient client, string currency = "EUR", decimal initialDeposit = 0, Guid? customerId = null)
    {
        customerId ??= await client.CreateCustomerAsync();
        var response = await client.PostJsonAsync("/accounts", new { customerId, currency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var accountId = (await response.JsonAsync()).GetProperty("id").GetGuid();
        if (initialDeposit > 0)
        {
            var deposit = await client.PostJsonAsync($"/accounts/{accountId}/deposits", new { amount = initialDeposit, currency });
            Assert.Equal(HttpStatusCode.OK, deposit.StatusCode);
        }

        return accountId;
    }

    /// <summary>
    /// The answer to a query with <c>minVersion</c>, asked again while it is 503 (the host's consumers may still be joining
    /// their groups right after it starts, which can take longer than one wait); fails on any other status than 200.
    /// </summary>
    public static async Task<JsonElement> GetShownAsync(this HttpClient client, string path)
    {
        var response = await Eventually.ReturnsAsync(
            () => client.GetAsync(path), r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static async Task AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(
            problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"Expected an error for '{field}' in {problem}");
    }
}
