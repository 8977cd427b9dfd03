using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using Bank.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>
/// Who issues tokens and what reaches the host without one, on hosts of their own: requests are rate-limited per client
/// address, <c>/metrics</c> answers anonymously on loopback only, the local signing key is kept in the database and
/// <c>scripts/token.sh</c> signs with it, and with an OpenID Connect issuer configured only its tokens are accepted.
/// </summary>
public sealed class AnonymousAccessTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_flood_of_bad_tokens_from_one_address_gets_429_with_retry_after_while_valid_tokens_pass()
    {
        await using var host = await HostProcess.StartAsync(Settings(("Auth:AnonymousRequestsPerMinute", "5")));
        using var forger = host.CreateClient().As(Tampered(TestTokens.Operator()));

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await forger.GetAsync("/customers");
            statuses.Add(response.StatusCode);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : refused;
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        var problem = await refused!.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem.GetProperty("type").GetString());
        Assert.True(refused!.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Probes and scrapes from the same address are never starved by the limit.
        using var anonymous = host.CreateClient().As(null);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
        }

        using var operatorClient = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/customers")).StatusCode);
    }

    [Fact]
    public async Task Metrics_answer_anonymous_callers_on_loopback_only_and_operators_anywhere()
    {
        var address = NonLoopbackAddress();
        var port = HostProcess.FreePort();
        await using var host = await HostProcess.StartAsync(Settings(("ASPNETCORE_URLS", $"http://0.0.0.0:{port}")), port);
        using var fromNetwork = new HttpClient { BaseAddress = new Uri($"http://{address}:{port}") };

        var anonymous = await fromNetwork.GetAsync("/metrics");
        var asOperator = await fromNetwork.As(TestTokens.Operator()).GetAsync("/metrics");
        var onLoopback = await host.CreateClient().As(null).GetAsync("/metrics");

        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, asOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onLoopback.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_token_sh_signs_with_a_key_kept_in_the_database_across_restarts()
    {
        var settings = Settings(("Auth:SigningKey", ""));
        var (exitCode, output) = await HostProcess.RunScriptAsync("token.sh", settings, "--operator", "--lifetime", "1h");
        Assert.True(exitCode == 0, output);
        var token = output.Trim().Split('\n')[^1].Trim();

        foreach (var run in new[] { "first", "after a restart" })
        {
            await using var host = await HostProcess.StartAsync(settings);
            using var client = host.CreateClient().As(token);
            Assert.True((await client.GetAsync("/customers")).StatusCode == HttpStatusCode.OK, run);
            await (await host.CreateClient().GetAsync("/customers")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Token_sh_exits_2_saying_what_is_wrong_and_its_usage_on_bad_arguments()
    {
        var (exitCode, output) = await HostProcess.RunScriptAsync("token.sh", Settings(), "--customer", "not-a-guid");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("--customer needs the customer's id, a GUID; 'not-a-guid' is not one. Usage: Bank.Host token", output.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token", "Give --operator or --customer CUSTOMER_ID.")]
    [InlineData("token --customer not-a-guid", "--customer needs the customer's id, a GUID; 'not-a-guid' is not one.")]
    [InlineData("token --operator --lifetime 8", "--lifetime needs a whole number of hours, minutes or seconds (8h, 30m, 90s), at most 366 days (8784h); '8' is not one.")]
    [InlineData("token --operator --lifetime 2d", "--lifetime needs a whole number of hours, minutes or seconds (8h, 30m, 90s), at most 366 days (8784h); '2d' is not one.")]
    [InlineData("token --operator --lifetime 100000h", "--lifetime needs a whole number of hours, minutes or seconds (8h, 30m, 90s), at most 366 days (8784h); '100000h' is not one.")]
    [InlineData("token --operator --customer 6f9619ff-8b86-d011-b42d-00c04fc964ff", "Give either --operator or --customer, once.")]
    public async Task The_token_command_exits_2_saying_what_is_wrong_and_its_usage_on_bad_arguments(string command, string problem)
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(Settings(), command.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Equal($"{problem} Usage: Bank.Host token (--operator | --customer CUSTOMER_ID) [--lifetime 8h|30m|90s, at most 8784h] [--Key=value ...]", output.Trim());
    }

    [Fact]
    public async Task The_token_command_says_an_operator_token_and_the_clock_skew_its_expiry_allows()
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(Settings(), "token", "--operator", "--lifetime", "1h");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("An operator token for 'operator', valid until ", output, StringComparison.Ordinal);
        Assert.Contains("(and up to 30 s after, the clock skew allowed)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_an_issuer_configured_the_host_accepts_its_tokens_and_no_others()
    {
        await using var issuer = await OpenIdIssuer.StartAsync();
        await using var host = await HostProcess.StartAsync(Settings(("Auth:Authority", issuer.Authority), ("Auth:RequireHttpsMetadata", "false")));
        using var asOperator = host.CreateClient().As(issuer.Issue("operator", "alice@bank"));

        var customer = await asOperator.CreateCustomerAsync();
        using var asCustomer = host.CreateClient().As(issuer.Issue("customer", customer.ToString()));
        // The customer's query model follows the command within moments.
        var own = await Eventually.ReturnsAsync(
            () => asCustomer.GetAsync($"/customers/{customer}"), response => response.StatusCode != HttpStatusCode.NotFound, TimeSpan.FromSeconds(30));
        var others = await asCustomer.GetAsync("/customers");
        using var localKey = host.CreateClient();
        using var wrongAudience = host.CreateClient().As(issuer.Issue("operator", "alice@bank", audience: "another-api"));

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await others.AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await localKey.GetAsync("/customers")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await wrongAudience.GetAsync("/customers")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
            ["Messaging:Transport"] = "InMemory",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .First(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address));

    private static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

    /// <summary>An OpenID Connect issuer as small as the host needs: a discovery document and its RSA signing key, on loopback.</summary>
    private sealed class OpenIdIssuer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly RsaSecurityKey _key;

        private OpenIdIssuer(WebApplication app, RsaSecurityKey key, string authority)
        {
            _app = app;
            _key = key;
            Authority = authority;
        }

        public string Authority { get; }

        public static async Task<OpenIdIssuer> StartAsync()
        {
            var authority = $"http://127.0.0.1:{HostProcess.FreePort()}";
            var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "issuer-key-1" };
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(authority);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
            {
                ["issuer"] = authority,
                ["jwks_uri"] = $"{authority}/keys",
            }));
            app.MapGet("/keys", () => Results.Json(new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            }));
            await app.StartAsync();
            return new OpenIdIssuer(app, key, authority);
        }

        public string Issue(string role, string subject, string audience = TestTokens.Audience) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = audience,
                Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
                Expires = DateTime.UtcNow.AddHours(1),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            });

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _key.Rsa.Dispose();
        }
    }
}
