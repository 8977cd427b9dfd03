using System.Net;
using System.Text.Json;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>
/// Every endpoint for every role: a customer reads and moves only their own money, and another customer's things look
/// exactly like missing ones; operators may do everything; a request without a valid token gets 401.
/// </summary>
public sealed class AuthorizationTests(AuthorizationTests.Bank bank) : IClassFixture<AuthorizationTests.Bank>
{
    public enum Role
    {
        Owner,
        OtherCustomer,
        Operator,
        Anonymous,
    }

    /// <summary>Each endpoint a customer may use on their own things, with what each role gets.</summary>
    public static TheoryData<string, string, Role, HttpStatusCode> OwnedEndpoints()
    {
        var data = new TheoryData<string, string, Role, HttpStatusCode>();
        foreach (var endpoint in new[]
        {
            "GET /customers/{owner}",
            "GET /accounts/{account}",
            "GET /accounts/{account}?minVersion=1",
            "GET /accounts/{account}/transactions",
            "GET /customers/{owner}?accountId={account}&minVersion=1",
            "POST /accounts/{account}/deposits",
            "POST /accounts/{account}/withdrawals",
            "POST /transfers",
        })
        {
            var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            var ok = path == "/accounts" ? HttpStatusCode.Created : HttpStatusCode.OK;
            data.Add(method, path, Role.Owner, ok);
            data.Add(method, path, Role.OtherCustomer, HttpStatusCode.NotFound);
            data.Add(method, path, Role.Operator, ok);
            data.Add(method, path, Role.Anonymous, HttpStatusCode.Unauthorized);
        }

        return data;
    }

    /// <summary>The operators' endpoints: a customer gets 403, even for their own customer id.</summary>
    public static TheoryData<string, string, Role, HttpStatusCode> OperatorEndpoints()
    {
        var data = new TheoryData<string, string, Role, HttpStatusCode>();
        foreach (var (method, path, ok) in new[]
        {
            ("POST", "/customers", HttpStatusCode.Created),
            ("GET", "/customers", HttpStatusCode.OK),
            ("POST", "/accounts", HttpStatusCode.Created),
        })
        {
            data.Add(method, path, Role.Owner, HttpStatusCode.Forbidden);
            data.Add(method, path, Role.Operator, ok);
            data.Add(method, path, Role.Anonymous, HttpStatusCode.Unauthorized);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OwnedEndpoints))]
    [MemberData(nameof(OperatorEndpoints))]
    public async Task Each_role_gets_what_the_rules_say(string method, string path, Role role, HttpStatusCode expected)
    {
        var owner = await bank.CustomerWithAccountAsync();
        using var client = bank.Host.CreateApiClient().As(role switch
        {
            Role.Owner => TestTokens.Customer(owner.CustomerId),
            Role.OtherCustomer => TestTokens.Customer(bank.Stranger),
            Role.Operator => TestTokens.Operator(),
            _ => null,
        });
        var events = await bank.Host.CountEventsAsync();

        var response = await client.SendAsync(Request(method, path, owner));

        if (expected is HttpStatusCode.OK or HttpStatusCode.Created)
        {
            Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return;
        }

        var problem = await response.AssertProblemAsync(expected);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        if (expected == HttpStatusCode.NotFound)
        {
            // Word for word what a missing one gets: nothing tells that it exists.
            var missing = await bank.Host.CreateApiClient().As(TestTokens.Customer(bank.Stranger))
                .SendAsync(Request(method, path, owner with { AccountId = Guid.NewGuid(), CustomerId = Guid.NewGuid() }));
            var missingProblem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(missingProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
        }

        Assert.Equal(events, await bank.Host.CountEventsAsync());
    }

    [Fact]
    public async Task A_customer_cannot_move_money_out_of_someone_else_s_account_and_nothing_is_appended()
    {
        var victim = await bank.CustomerWithAccountAsync();
        var thief = await bank.CustomerWithAccountAsync();
        using var client = bank.Host.CreateApiClient().As(TestTokens.Customer(thief.CustomerId));
        var events = await bank.Host.CountEventsAsync();

        var transfer = await client.PostJsonAsync("/transfers", new { fromAccountId = victim.AccountId, toAccountId = thief.AccountId, amount = 50, currency = "EUR" });
        var withdrawal = await client.PostJsonAsync($"/accounts/{victim.AccountId}/withdrawals", new { amount = 50, currency = "EUR" });

        await transfer.AssertProblemAsync(HttpStatusCode.NotFound);
        await withdrawal.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(events, await bank.Host.CountEventsAsync());
        Assert.Equal(100m, await bank.Host.Database.ScalarAsync<decimal>($"SELECT (data->>'balance')::numeric FROM accounts.mt_doc_account WHERE id = '{victim.AccountId}'"));
    }

    [Fact]
    public async Task A_customer_may_transfer_from_their_own_account_to_anyone_s()
    {
        var payer = await bank.CustomerWithAccountAsync();
        var payee = await bank.CustomerWithAccountAsync();
        using var client = bank.Host.CreateApiClient().As(TestTokens.Customer(payer.CustomerId));

        var transfer = await client.PostJsonAsync("/transfers", new { fromAccountId = payer.AccountId, toAccountId = payee.AccountId, amount = 30, currency = "EUR" });

        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        var body = await transfer.JsonAsync();
        Assert.Equal(70m, body.GetProperty("from").GetProperty("balance").GetDecimal());
        Assert.Equal(130m, body.GetProperty("to").GetProperty("balance").GetDecimal());
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "expired", TestTokens.Issue("operator", "operator", lifetime: TimeSpan.FromMinutes(-5)) },
        { "tampered", Tampered(TestTokens.Operator()) },
        { "wrong audience", TestTokens.Issue("operator", "operator", audience: "another-api") },
        { "wrong issuer", TestTokens.Issue("operator", "operator", issuer: "someone-else") },
        { "another key", TestTokens.Issue("operator", "operator", signingKey: Convert.ToBase64String(new byte[32])) },
        { "not a token", "not-a-token" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_token_that_is_not_valid_gets_401_problem_json_with_a_bearer_challenge(string why, string token)
    {
        using var client = bank.Host.CreateApiClient().As(token);
        var events = await bank.Host.CountEventsAsync();

        var read = await client.GetAsync("/customers");
        var command = await client.PostJsonAsync("/customers", new { firstName = "Eve", lastName = "Forger", email = $"{Guid.NewGuid():N}@example.com" });

        foreach (var response in new[] { read, command })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.True(response.Headers.WwwAuthenticate.Single().Scheme == "Bearer", why);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        }

        Assert.Equal(events, await bank.Host.CountEventsAsync());
    }

    [Fact]
    public async Task An_expired_token_is_told_apart_in_the_problem()
    {
        using var client = bank.Host.CreateApiClient().As(TestTokens.Issue("operator", "operator", lifetime: TimeSpan.FromMinutes(-5)));

        var problem = await (await client.GetAsync("/customers")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar")]
    [InlineData("/metrics")]
    public async Task The_anonymous_endpoints_answer_without_a_token_on_loopback(string path)
    {
        using var client = bank.Host.CreateApiClient().As(null);

        var response = await client.GetAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_on_every_endpoint_but_the_anonymous_ones()
    {
        using var client = bank.Host.CreateApiClient().As(null);
        var document = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var secured = operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
                Assert.True(secured == (path.Name != "/health"), $"{operation.Name} {path.Name}: security {secured}");
            }
        }
    }

    [Fact]
    public async Task Idempotency_keys_are_each_caller_s_own()
    {
        var first = await bank.CustomerWithAccountAsync();
        var second = await bank.CustomerWithAccountAsync();
        var key = Guid.NewGuid().ToString();

        var answers = new List<JsonElement>();
        foreach (var (customer, account) in new[] { (first.CustomerId, first.AccountId), (second.CustomerId, second.AccountId) })
        {
            using var client = bank.Host.CreateApiClient().As(TestTokens.Customer(customer));
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/transfers")
            {
                Content = JsonContent(new { fromAccountId = account, toAccountId = bank.Pool, amount = 5, currency = "EUR" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Idempotent-Replayed"));
            answers.Add(await response.JsonAsync());
        }

        Assert.Equal(95m, answers[1].GetProperty("from").GetProperty("balance").GetDecimal());
        Assert.Equal(second.AccountId, answers[1].GetProperty("from").GetProperty("accountId").GetGuid());
    }

    private static HttpRequestMessage Request(string method, string path, Owned owner)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{owner}", owner.CustomerId.ToString(), StringComparison.Ordinal)
            .Replace("{account}", owner.AccountId.ToString(), StringComparison.Ordinal));
        object? body = path switch
        {
            "/customers" => new { firstName = "Grace", lastName = "Hopper", email = $"{Guid.NewGuid():N}@example.com" },
            "/accounts" => new { customerId = owner.CustomerId, currency = "EUR" },
            "/transfers" => new { fromAccountId = owner.AccountId, toAccountId = owner.PayeeAccountId, amount = 1, currency = "EUR" },
            _ when method == "POST" => new { amount = 1, currency = "EUR" },
            _ => null,
        };
        if (body is not null)
        {
            request.Content = JsonContent(body);
        }

        return request;
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");

    // The signature's first character changed: the token reads the same, but was not signed so.
    private static string Tampered(string token)
    {
        var signatureStart = token.LastIndexOf('.') + 1;
        var replacement = token[signatureStart] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, signatureStart), replacement.ToString(), token.AsSpan(signatureStart + 1));
    }

    /// <summary>A customer's account (100 EUR) whose query models show it, and another account to pay into.</summary>
    public sealed record Owned(Guid CustomerId, Guid AccountId, Guid PayeeAccountId);

    /// <summary>The host, a customer who owns nothing used here, and an account that takes the test transfers.</summary>
    public sealed class Bank : IAsyncLifetime
    {
        public BankHost Host { get; } = new();

        public Guid Stranger { get; private set; }

        public Guid Pool { get; private set; }

        public async Task InitializeAsync()
        {
            await Host.InitializeAsync();
            // /health is among the endpoints asked for without a token, and says 503 until the consumer groups joined.
            await Host.WaitUntilReadyAsync();
            using var client = Host.CreateApiClient();
            Stranger = await client.CreateCustomerAsync();
            Pool = await client.OpenAccountAsync("EUR");
        }

        public async Task<Owned> CustomerWithAccountAsync()
        {
            using var client = Host.CreateApiClient();
            var customer = await client.CreateCustomerAsync();
            var account = await client.OpenAccountAsync("EUR", initialDeposit: 100m, customerId: customer);
            await client.GetShownAsync($"/accounts/{account}?minVersion=2");
            await client.GetShownAsync($"/customers/{customer}?accountId={account}&minVersion=2");
            return new Owned(customer, account, Pool);
        }

        public async Task DisposeAsync() => await ((IAsyncLifetime)Host).DisposeAsync();
    }
}
