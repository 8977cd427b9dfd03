using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bank.Testing;

/// <summary>
/// Tokens as the host's local issuer signs them. Every test host gets this process's random key as
/// <c>Auth:SigningKey</c>, unless a test sets another; clients act as an operator unless they ask otherwise.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "bank-local";
    public const string Audience = "bank-api";

    /// <summary>The signing key of this test run, base64, as the hosts are given it.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Operator() => Issue("operator", "operator");

    public static string Customer(Guid customerId) => Issue("customer", customerId.ToString("D"));

    /// <summary>A token with any claims, lifetime, audience, issuer or key: for the tests of what the host refuses.</summary>
    public static string Issue(
        string role, string subject, TimeSpan? lifetime = null, string audience = Audience, string issuer = Issuer, string? signingKey = null)
    {
        var expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(8));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
            IssuedAt = expires.AddHours(-9),
            NotBefore = expires.AddHours(-9),
            Expires = expires,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Sends <paramref name="token"/> with every request of <paramref name="client"/>; null sends none.</summary>
    public static HttpClient As(this HttpClient client, string? token)
    {
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
