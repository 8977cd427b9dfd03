using Bank.Messaging.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bank.Host;

/// <summary>
/// OpenTelemetry: metrics on <c>/metrics</c> (Prometheus text), and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set,
/// metrics and traces (command, relay publish, each module's handling, PostgreSQL) exported over OTLP.
/// </summary>
internal static class Telemetry
{
    public static IServiceCollection AddBankTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("bank"))
            .WithMetrics(metrics =>
            {
                // Command counts and durations come from ASP.NET Core's own http.server.request.duration, by route.
                metrics.AddMeter(MessagingTelemetry.Name, "Microsoft.AspNetCore.Hosting").AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Only collected when exported: spans nobody reads would cost every request and every event.
            telemetry.WithTracing(tracing => tracing
                .AddSource(MessagingTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// <c>/metrics</c>, in Prometheus text format: without a token from loopback (or anywhere, with <c>Auth:AnonymousMetrics</c>),
    /// else for operators. Never rate-limited, so that scrapes are not starved by other clients.
    /// </summary>
    public static void MapBankMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint().RequireAuthorization(Authentication.BankAuthentication.MetricsPolicy).DisableRateLimiting();
}
