using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Access;
using Bank.Messaging.Kafka.Parking;
using Marten;
using Microsoft.AspNetCore.Mvc;

namespace Bank.Host.OperatorConsole;

/// <summary>
/// The operator console: <c>GET /ops</c>, one page that shipped with the host, and its API under <c>/ops/api</c>, for
/// operators only. The page's actions go through the same code as the <c>dead-letters</c> and <c>rebuild</c> commands,
/// and each is logged with the operator's identity (the token's subject).
/// </summary>
internal static class OperatorConsoleEndpoints
{
    private const string PageResource = "Bank.Host.OperatorConsole.ops.html";

    public static IServiceCollection AddOperatorConsole(this IServiceCollection services)
    {
        services.ConfigureMarten(InstanceHeartbeat.Register);
        services.AddSingleton<InstanceHeartbeat>();
        services.AddHostedService(provider => provider.GetRequiredService<InstanceHeartbeat>());
        services.AddSingleton<LagHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<LagHistory>());
        services.AddSingleton<ConsoleStatus>();
        services.AddSingleton<ConsoleRebuilds>();
        services.AddHostedService(provider => provider.GetRequiredService<ConsoleRebuilds>());
        return services;
    }

    public static void MapOperatorConsole(this IEndpointRouteBuilder app)
    {
        // The page holds no data: what it shows comes from the API, with the operator's token.
        app.MapGet("/ops", (HttpContext context) =>
            {
                // Its own script and styles, and requests to this host only; never framed by another page.
                context.Response.Headers.ContentSecurityPolicy =
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
                return Results.Stream(typeof(OperatorConsoleEndpoints).Assembly.GetManifestResourceStream(PageResource)!, "text/html; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        var api = app.MapGroup("/ops/api").RequireAuthorization(BankAccess.OperatorOnly).WithTags("Operator console");
        api.MapGet("/status", (ConsoleStatus status, CancellationToken cancellationToken) => status.ReadAsync(cancellationToken))
            .WithSummary("The relay, each consumer group's partitions and lag, parked keys, rebuilds and instances, as the console shows them.");
        api.MapPost("/parked/replay", ReplayAsync)
            .WithSummary("Hands a parked key's messages to its module again, in order, as 'dead-letters replay' does.");
        api.MapPost("/parked/discard", DiscardAsync)
            .WithSummary("Discards the parked message of a key with eventId (the first such), or all the key's, as 'dead-letters discard' does.");
        api.MapPost("/rebuilds", RebuildAsync)
            .WithSummary("Starts rebuilding a module's query models from the event store on this instance, as the 'rebuild' command does.");
    }

    private static async Task<IResult> ReplayAsync(
        ParkedKeyRequest request, HttpContext context, [FromServices] DeadLetters? deadLetters, ILogger<ConsoleStatus> logger, CancellationToken cancellationToken)
    {
        if (Invalid(request, deadLetters) is { } invalid)
        {
            return invalid;
        }

        logger.LogWarning("Operator {Operator} replays parked key {Key} of consumer group {Group}", OperatorOf(context), request.Key, request.Group);
        var keys = await deadLetters!.ReplayAsync(request.Group, request.Key, cancellationToken);
        return keys.Count == 0
            ? Problems.Conflict("Nothing is parked under that key.", $"No key '{Problems.Truncate(request.Key!)}' is parked in consumer group '{request.Group}'.")
            : TypedResults.Ok(new { keys = keys.Select(k => new { k.Group, k.Topic, k.Key, k.Handled, k.StillParked, k.Error }) });
    }

    private static async Task<IResult> DiscardAsync(
        ParkedKeyRequest request, HttpContext context, [FromServices] DeadLetters? deadLetters, ILogger<ConsoleStatus> logger, CancellationToken cancellationToken)
    {
        if (Invalid(request, deadLetters) is { } invalid)
        {
            return invalid;
        }

        logger.LogWarning(
            "Operator {Operator} discards parked messages of key {Key} of consumer group {Group} (event {EventId}, or all when none)",
            OperatorOf(context),
            request.Key,
            request.Group,
            request.EventId);
        var discarded = await deadLetters!.DiscardAsync(request.Group, request.Key!, request.EventId, cancellationToken);
        return discarded.Count == 0
            ? Problems.Conflict("Nothing to discard.", $"No parked message of key '{Problems.Truncate(request.Key!)}' in consumer group '{request.Group}' matches.")
            : TypedResults.Ok(new { discarded = discarded.Select(d => new { d.Group, d.Topic, d.Key, d.FirstStreamVersion, d.FirstEventId, ParkedFor = d.Error }) });
    }

    private static async Task<IResult> RebuildAsync(
        RebuildRequest request, HttpContext context, ConsoleRebuilds rebuilds, CancellationToken cancellationToken)
    {
        if (request.Module is not { } module || !rebuilds.Modules.Contains(module))
        {
            return Problems.Validation(new Dictionary<string, string>
            {
                ["module"] = $"'{Problems.Truncate(request.Module ?? "")}' is not a module; modules: {string.Join(", ", rebuilds.Modules)}.",
            });
        }

        return await rebuilds.TryStartAsync(module, OperatorOf(context), cancellationToken)
            ? TypedResults.Accepted("/ops/api/status", new { module })
            : Problems.Conflict("A rebuild of this module is running.", $"The {module} query models are being rebuilt already; wait for it to finish.");
    }

    private static IResult? Invalid(ParkedKeyRequest request, DeadLetters? deadLetters)
    {
        if (deadLetters is null)
        {
            return Problems.Conflict("Nothing is parked with this transport.", "Keys are parked only with the Kafka transport (Messaging:Transport=Kafka).");
        }

        var errors = new Dictionary<string, string>();
        if (request.Group is not { } group || !deadLetters.Groups.Contains(group))
        {
            errors["group"] = $"'{Problems.Truncate(request.Group ?? "")}' is not a consumer group; groups: {string.Join(", ", deadLetters.Groups)}.";
        }

        if (string.IsNullOrEmpty(request.Key))
        {
            errors["key"] = "A key is required.";
        }

        return errors.Count == 0 ? null : Problems.Validation(errors);
    }

    private static string OperatorOf(HttpContext context) => context.User.Identity?.Name ?? "unknown";

    private sealed record ParkedKeyRequest(string? Group, string? Key, Guid? EventId);

    private sealed record RebuildRequest(string? Module);
}
