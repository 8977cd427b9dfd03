using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.BuildingBlocks.Web;

public static class WebConventions
{
    /// <summary>Largest request body accepted; every command fits in a few hundred bytes.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Problem details for every error, with errors of the client never answered with a 5xx.</summary>
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<JsonOptions>(options =>
        {
            // Numbers must be JSON numbers: "amount": "10" is a client error, not a silent conversion.
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            options.SerializerOptions.MaxDepth = 16;
        });
        // Bad request bodies throw, so the exception handler can answer them with problem+json.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
