using System.Net;
using Bank.BuildingBlocks.Settings;
using Bank.BuildingBlocks.Web.Access;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Bank.Host.Authentication;

/// <summary>
/// Bearer tokens (JWT) on every endpoint but <c>/health</c>, <c>/openapi</c> and <c>/scalar</c>: from the OpenID Connect
/// issuer named by <c>Auth:Authority</c>, or else signed with the <see cref="LocalSigningKey"/>. Who may do what is in
/// <see cref="BankAccess"/>'s policies. Requests without a valid token are rate-limited per client address.
/// </summary>
internal static class BankAuthentication
{
    public const string MetricsPolicy = "MetricsReaders";

    /// <summary>How long past its expiry a token is still accepted: room for the issuer's clock and the host's to differ.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddBankAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AuthOptions>(configuration);
        var auth = SettingSections.Read<AuthOptions>(configuration);

        services.AddSingleton<LocalSigningKey>();
        services.ConfigureMarten(LocalSigningKey.Register);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // Claims keep the names the token gives them (sub, role), whoever issued it.
            jwt.MapInboundClaims = false;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.RoleClaimType = auth.RoleClaim;
            jwt.TokenValidationParameters.NameClaimType = BankAccess.SubjectClaim;
            jwt.TokenValidationParameters.ClockSkew = ClockSkew;
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                jwt.Authority = auth.Authority;
                jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            }
        });
        if (string.IsNullOrWhiteSpace(auth.Authority))
        {
            services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<LocalSigningKey>((jwt, key) =>
            {
                jwt.TokenValidationParameters.ValidIssuer = LocalSigningKey.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => key.Loaded is { } loaded ? [loaded] : [];
                jwt.Events = new JwtBearerEvents
                {
                    // The key is read from the database once per instance, when the first token arrives.
                    OnMessageReceived = async context =>
                    {
                        if (context.Request.Headers.Authorization.Count > 0)
                        {
                            await key.LoadAsync(context.HttpContext.RequestAborted);
                        }
                    },
                };
            });
        }

        services.AddBankAuthorization();
        services.AddAuthorizationBuilder()
            // Secure by default: an endpoint that names no policy needs a valid token.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(MetricsPolicy, policy => policy.RequireAssertion(context =>
                auth.AnonymousMetrics ||
                context.User.IsInRole(BankAccess.Operator) ||
                (context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address))));

        services.AddSingleton<AnonymousRequestLimit>();
        return services;
    }

    /// <summary>Authentication first, so that the limit knows who is anonymous; then the policies.</summary>
    public static WebApplication UseBankAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AnonymousRequestLimit>();
        app.UseAuthorization();
        return app;
    }
}
