using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// Announces and hears which views a batch wrote, across instances: the batch sends
/// <c>NOTIFY bank_query_models</c> within its own transaction, and one LISTEN connection per host hands what
/// it hears to <see cref="QueryModelWaits"/>.
/// </summary>
internal sealed class QueryModelChanges(string connectionString, QueryModelWaits waits, ILogger<QueryModelChanges> logger) : BackgroundService
{
    private const string Channel = "bank_query_models";

    // PostgreSQL limits a notification's payload to 8,000 bytes; a view is about 50.
    private const int ViewsPerNotification = 100;

    /// <summary>Queues the notifications of the views about to be written into the session's unit of work.</summary>
    public static void Announce(IDocumentSession session, IEnumerable<(string View, Guid Id)> views)
    {
        foreach (var chunk in views.Chunk(ViewsPerNotification))
        {
            session.QueueSqlCommand("SELECT pg_notify(?, ?)", Channel, string.Join(';', chunk.Select(v => $"{v.View}:{v.Id:N}")));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, notification) => Hear(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                waits.AllMayHaveChanged();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Not hearing of query-model changes; waiting queries read again when they time out. Listening again in a second");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Hear(string payload)
    {
        foreach (var entry in payload.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = entry.LastIndexOf(':');
            if (separator > 0 && Guid.TryParseExact(entry.AsSpan(separator + 1), "N", out var id))
            {
                waits.Changed(entry[..separator], id);
            }
        }
    }
}

public static class QueryModelSetup
{
    public const string MaxWaitSetting = "QueryModels:MaxWait";

    /// <summary>Queries that wait for their own writes (<c>QueryModels:MaxWait</c>, 5 s by default).</summary>
    public static IServiceCollection AddQueryModelWaits(this IServiceCollection services, IConfiguration configuration)
    {
        var maxWait = configuration.GetValue(MaxWaitSetting, TimeSpan.FromSeconds(5));
        if (maxWait <= TimeSpan.Zero || maxWait > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException($"{MaxWaitSetting} '{maxWait}' must be more than 0 and at most 00:01:00.");
        }

        services.AddSingleton(new QueryModelWaits(maxWait));
        services.AddHostedService(provider => new QueryModelChanges(
            configuration.GetConnectionString(EventSourcing.EventStoreSetup.ConnectionStringName)!,
            provider.GetRequiredService<QueryModelWaits>(),
            provider.GetRequiredService<ILogger<QueryModelChanges>>()));
        return services;
    }
}
