using Bank.BuildingBlocks.Settings;

namespace Bank.Host.Authentication;

/// <summary>The <c>Auth</c> settings: who issues the tokens the API accepts, and what anonymous callers may do.</summary>
internal sealed class AuthOptions : ISettings<AuthOptions>
{
    public static string SectionName => "Auth";

    /// <summary>An OpenID Connect issuer (its discovery document signs the tokens); unset: tokens signed with the local key.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the issuer's discovery document must be fetched over HTTPS; off only for an issuer on a trusted network.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The local signing key, base64 (at least 32 bytes), from a secret store or an untracked file; unset: a random key
    /// kept in the database. Ignored with <see cref="Authority"/>.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The audience a token must name.</summary>
    public string Audience { get; set; } = "bank-api";

    /// <summary>The claim that holds the role (<c>operator</c> or <c>customer</c>) in an issuer's tokens.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>Requests without a valid token accepted per client address and minute; beyond, <c>429</c>.</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 1200;

    /// <summary>Whether <c>/metrics</c> answers without a token from any address; otherwise from loopback only (or to an operator).</summary>
    public bool AnonymousMetrics { get; set; }

    public IEnumerable<string> Problems()
    {
        if (AnonymousRequestsPerMinute <= 0)
        {
            yield return SettingSections.Problem(SectionName, nameof(AnonymousRequestsPerMinute), AnonymousRequestsPerMinute, "must be a positive number of requests.");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return SettingSections.Problem(SectionName, nameof(Audience), Audience, "must name the audience tokens are issued for.");
        }

        if (!string.IsNullOrWhiteSpace(SigningKey) && !(Convert.TryFromBase64String(SigningKey, new byte[SigningKey.Length], out var length) && length >= 32))
        {
            // A secret: its value is not repeated.
            yield return SettingSections.Problem(SectionName, nameof(SigningKey), null, "must be base64 of at least 32 bytes (openssl rand -base64 32).");
        }

        if (!string.IsNullOrWhiteSpace(Authority) && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            yield return SettingSections.Problem(SectionName, nameof(Authority), Authority, "must be the issuer's absolute URL, such as https://login.example.com/realms/bank.");
        }
    }
}
