using System.Net;
using System.Text.Json;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>The host with the whole host running without Kafka: events reach the modules over the in-memory bus.</summary>
public sealed class InMemoryTransportHost() : BankHost(new Dictionary<string, string?> { ["Messaging:Transport"] = "InMemory" });

public sealed class QueryApiOverKafkaTests(BankHost host) : QueryApiTests(host), IClassFixture<BankHost>;

public sealed class QueryApiInMemoryTests(InMemoryTransportHost host) : QueryApiTests(host), IClassFixture<InMemoryTransportHost>;

/// <summary>Commands in, query models out, end to end through HTTP: the same expectations on either transport.</summary>
public abstract class QueryApiTests(BankHost host)
{
    private readonly HttpClient _client = host.CreateApiClient();

    [Fact]
    public async Task A_customer_shows_their_accounts_balances_and_total_and_an_account_shows_its_owner()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var customerResponse = await _client.PostJsonAsync("/customers", new { firstName = "Grace", lastName = "Hopper", email });
        var customerId = (await customerResponse.JsonAsync()).GetProperty("id").GetGuid();
        var euros = await OpenAsync(customerId, "EUR");
        var dollars = await OpenAsync(customerId, "USD");
        await _client.PostJsonAsync($"/accounts/{euros}/deposits", new { amount = 100m, currency = "EUR" });
        await _client.PostJsonAsync($"/accounts/{dollars}/deposits", new { amount = 54m, currency = "USD" });
        await _client.PostJsonAsync($"/accounts/{euros}/withdrawals", new { amount = 20m, currency = "EUR" });

        var customer = await Eventually.ReturnsAsync(
            () => GetJsonAsync($"/customers/{customerId}"),
            c => c is { } json && json.GetProperty("accounts").GetArrayLength() == 2
                && json.GetProperty("totalBalance").GetProperty("amount").GetDecimal() == 130m);

        Assert.Equal("Grace", customer!.Value.GetProperty("firstName").GetString());
        Assert.Equal(email, customer.Value.GetProperty("email").GetString());
        Assert.Equal("EUR", customer.Value.GetProperty("totalBalance").GetProperty("currency").GetString());
        var balances = customer.Value.GetProperty("accounts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("id").GetGuid(), a => (a.GetProperty("currency").GetString(), a.GetProperty("balance").GetDecimal()));
        Assert.Equal(("EUR", 80m), balances[euros]);
        Assert.Equal(("USD", 54m), balances[dollars]);

        var account = await Eventually.ReturnsAsync(
            () => GetJsonAsync($"/accounts/{euros}"),
            a => a is { } json && json.GetProperty("version").GetInt64() == 3 && json.GetProperty("ownerName").GetString() is not null);
        Assert.Equal(customerId, account!.Value.GetProperty("ownerId").GetGuid());
        Assert.Equal("Grace Hopper", account.Value.GetProperty("ownerName").GetString());
        Assert.Equal(email, account.Value.GetProperty("ownerEmail").GetString());
        Assert.Equal(80m, account.Value.GetProperty("balance").GetDecimal());
        Assert.Equal("EUR", account.Value.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Customers_are_listed_newest_first_a_page_at_a_time()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _client.CreateCustomerAsync());
        }

        // Customers land on different partitions: wait until all three are in the model.
        await Eventually.ReturnsAsync(
            () => GetJsonAsync("/customers?page=1&pageSize=3"),
            page => page is { } json && json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).SequenceEqual([ids[2], ids[1], ids[0]]));

        var firstPage = await GetJsonAsync("/customers?page=1&pageSize=2");
        var secondPage = (await GetJsonAsync("/customers?page=2&pageSize=2"))!.Value;

        Assert.Equal(2, firstPage!.Value.GetProperty("pageSize").GetInt32());
        Assert.True(firstPage.Value.GetProperty("totalCount").GetInt64() >= 3);
        Assert.Equal([ids[2], ids[1]], firstPage.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(ids[0], secondPage.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(2, secondPage.GetProperty("page").GetInt32());
    }

    [Theory]
    [InlineData("/customers/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/not-a-guid", HttpStatusCode.BadRequest)]
    [InlineData("/customers/6f9619ff-8b86-d011-b42d-00c04fc964ff", HttpStatusCode.NotFound)]
    [InlineData("/accounts/6f9619ff-8b86-d011-b42d-00c04fc964ff", HttpStatusCode.NotFound)]
    [InlineData("/customers?page=0", HttpStatusCode.BadRequest)]
    [InlineData("/customers?page=-1", HttpStatusCode.BadRequest)]
    [InlineData("/customers?page=abc", HttpStatusCode.BadRequest)]
    [InlineData("/customers?pageSize=0", HttpStatusCode.BadRequest)]
    [InlineData("/customers?pageSize=101", HttpStatusCode.BadRequest)]
    [InlineData("/customers?pageSize=99999999999999999999", HttpStatusCode.BadRequest)]
    public async Task Invalid_or_unknown_queries_get_a_problem(string path, HttpStatusCode status)
    {
        var response = await _client.GetAsync(path);

        await response.AssertProblemAsync(status);
    }

    private async Task<Guid> OpenAsync(Guid customerId, string currency)
    {
        var response = await _client.PostJsonAsync("/accounts", new { customerId, currency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }

    private async Task<JsonElement?> GetJsonAsync(string path)
    {
        var response = await _client.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : null;
    }
}
