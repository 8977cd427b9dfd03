using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace Bank.BuildingBlocks.Web;

public static class WebConventions
{
    /// <summary>Largest request body accepted; every command fits in a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// Largest request head accepted: the server answers a larger one with an empty <c>431</c> before the application sees it;
    /// anything below reaches the application, which names what is wrong (an overlong <c>Idempotency-Key</c>, say).
    /// </summary>
    public const int MaxRequestHeadersBytes = 64 * 1024;

    /// <summary>Problem details for every error, with errors of the client never answered with a 5xx.</summary>
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = SpellOutLimits);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<JsonOptions>(options =>
        {
            // Numbers must be JSON numbers: "amount": "10" is a client error, not a silent conversion.
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            options.SerializerOptions.MaxDepth = 16;
            // {"amount":1,"amount":2} must not deposit 2 silently, and a misspelt field must not be ignored.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            // {"Amount":1} is not {"amount":1}: field names are matched exactly, as documented.
            options.SerializerOptions.PropertyNameCaseInsensitive = false;
        });
        // Bad request bodies throw, so the exception handler can answer them with problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    // The likeliest first mistakes with curl, whoever answers them (the framework or the exception handler).
    private static void SpellOutLimits(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        // The framework names a type for most statuses; these it leaves without one.
        problem.Type ??= problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
            StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "https://tools.ietf.org/html/rfc6585#section-5",
            _ => null,
        };
        switch (problem.Status)
        {
            case StatusCodes.Status401Unauthorized:
                problem.Title = "A valid bearer token is required.";
                problem.Detail ??= context.HttpContext.Response.Headers.WWWAuthenticate.ToString() is { } challenge && challenge.Contains("error_description", StringComparison.Ordinal)
                    ? $"The token was refused: {challenge}."
                    : "Send 'Authorization: Bearer <token>'; locally, scripts/token.sh --operator prints one.";
                break;
            case StatusCodes.Status403Forbidden:
                problem.Title = "This caller may not do that.";
                problem.Detail ??= "Only an operator may call this endpoint.";
                break;
            case StatusCodes.Status413PayloadTooLarge:
                problem.Title = "The request body is too large.";
                problem.Detail ??= $"A request body may hold at most {MaxRequestBodyBytes / 1024} KiB; every command fits in far less.";
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                problem.Title = "The request body must be JSON.";
                problem.Detail ??= "Send the body as JSON with the header 'Content-Type: application/json' (curl: -H 'Content-Type: application/json').";
                break;
        }
    }

    public static WebApplication UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
