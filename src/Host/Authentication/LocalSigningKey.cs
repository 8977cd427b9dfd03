using System.Security.Claims;
using System.Security.Cryptography;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Web.Access;
using JasperFx;
using Marten;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bank.Host.Authentication;

/// <summary>
/// Tokens for local runs and tests, where no OpenID Connect issuer is configured: signed (HMAC-SHA256) with the key
/// given as <c>Auth:SigningKey</c>, or else with a random key that the first instance to need it creates in the
/// database, so it survives restarts, every instance shares it, and it never lives in the repository. Whoever holds the
/// key can mint tokens: production names an issuer (<c>Auth:Authority</c>) instead.
/// </summary>
internal sealed class LocalSigningKey(IDocumentStore store, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string Issuer = "bank-local";

    // Shared by every request that waits for the key; started again only if it failed.
    private Task<SymmetricSecurityKey>? _loading;

    /// <summary>The key once loaded (<see cref="LoadAsync"/>); null before.</summary>
    public SymmetricSecurityKey? Loaded => _loading is { IsCompletedSuccessfully: true } loaded ? loaded.Result : null;

    /// <summary>Reads the key, creating it the first time; one database round trip per instance.</summary>
    public Task<SymmetricSecurityKey> LoadAsync(CancellationToken cancellationToken)
    {
        var loading = _loading;
        if (loading is null || loading.IsFaulted || loading.IsCanceled)
        {
            var started = ReadAsync();
            loading = Interlocked.CompareExchange(ref _loading, started, loading) == loading ? started : _loading!;
        }

        return loading.WaitAsync(cancellationToken);
    }

    /// <summary>A token for an operator (subject <c>operator</c>) or for a customer (subject: their customer id).</summary>
    public async Task<string> IssueAsync(string role, string subject, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity([new Claim(BankAccess.SubjectClaim, subject), new Claim(BankAccess.RoleClaim, role)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(await LoadAsync(cancellationToken), SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<SymmetricSecurityKey> ReadAsync()
    {
        var key = string.IsNullOrWhiteSpace(options.Value.SigningKey) ? await ReadOrCreateAsync(CancellationToken.None) : options.Value.SigningKey;
        return new SymmetricSecurityKey(Convert.FromBase64String(key)) { KeyId = Issuer };
    }

    private async Task<string> ReadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using (var session = store.QuerySession())
        {
            if (await session.LoadAsync<StoredSigningKey>(Issuer, cancellationToken) is { } stored)
            {
                return stored.Key;
            }
        }

        try
        {
            await using var session = store.LightweightSession();
            var created = new StoredSigningKey(Issuer, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), time.GetUtcNow());
            session.Insert(created);
            await session.SaveChangesAsync(cancellationToken);
            return created.Key;
        }
        catch (DocumentAlreadyExistsException)
        {
            // Another instance created it meanwhile: theirs is the key.
            await using var session = store.QuerySession();
            return (await session.LoadAsync<StoredSigningKey>(Issuer, cancellationToken))!.Key;
        }
    }

    public static void Register(StoreOptions marten) =>
        marten.Schema.For<StoredSigningKey>().DatabaseSchemaName(EventStoreSetup.SchemaName).DocumentAlias("signing_key");

    /// <summary>The key, base64, as stored.</summary>
    internal sealed record StoredSigningKey(string Id, string Key, DateTimeOffset CreatedAt);
}
