using System.Text.Json;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bank.Host;

internal static class Health
{
    public static IServiceCollection AddBankHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddNpgSql(
                provider => provider.Settings<DatabaseSettings>().Postgres!,
                name: "postgres",
                timeout: TimeSpan.FromSeconds(3));
        return services;
    }

    /// <summary><c>/health</c>: 200 when healthy or degraded, 503 when unhealthy, with the state of each dependency.</summary>
    public static void MapBankHealthChecks(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .WithSummary("Reports whether the host and its dependencies are healthy.")
            .AllowAnonymous()
            // Probes must see the host as it is, however busy other clients keep the anonymous rate limit.
            .DisableRateLimiting();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description ?? entry.Value.Exception?.Message }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
