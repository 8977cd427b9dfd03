using System.Threading.Channels;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// Hears which views batches wrote, across instances: one LISTEN connection per host hands what it hears on
/// <see cref="Channel"/> (sent by <see cref="QueryModelAnnouncements"/>) to <see cref="QueryModelWaits"/>.
/// </summary>
internal sealed class QueryModelChanges(string connectionString, QueryModelWaits waits, ILogger<QueryModelChanges> logger) : BackgroundService
{
    public const string Channel = "bank_query_models";

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

/// <summary>
/// Tells every instance which views a batch wrote, once the batch has committed: <c>NOTIFY bank_query_models</c> on a
/// connection of its own. Inside the batch's transaction, the NOTIFY would take PostgreSQL's notification-queue lock
/// at commit and hold it through the commit's WAL flush, making every such transaction in the database commit one
/// after another. A notification lost in a crash only makes a waiting query read again when its wait runs out.
/// </summary>
public sealed class QueryModelAnnouncements : BackgroundService
{
    // PostgreSQL limits a notification's payload to 8,000 bytes; a view is about 50.
    private const int ViewsPerNotification = 100;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<QueryModelAnnouncements> _logger;
    private readonly Channel<string> _pending = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    internal QueryModelAnnouncements(string connectionString, ILogger<QueryModelAnnouncements> logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _logger = logger;
    }

    /// <summary>Queues the notifications of views that were just committed.</summary>
    internal void Announce(IEnumerable<(string View, Guid Id)> views)
    {
        foreach (var chunk in views.Chunk(ViewsPerNotification))
        {
            _pending.Writer.TryWrite(string.Join(';', chunk.Select(v => $"{v.View}:{v.Id:N}")));
        }
    }

    public override void Dispose()
    {
        _dataSource.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                // Whatever queued meanwhile goes in one round trip.
                await using var batch = _dataSource.CreateBatch();
                while (batch.BatchCommands.Count < 50 && _pending.Reader.TryRead(out var payload))
                {
                    var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
                    notify.Parameters.Add(new NpgsqlParameter { Value = QueryModelChanges.Channel });
                    notify.Parameters.Add(new NpgsqlParameter { Value = payload });
                    batch.BatchCommands.Add(notify);
                }

                try
                {
                    await batch.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    _logger.LogDebug(e, "Could not announce query-model changes; queries waiting for them read again when their wait runs out");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

public static class QueryModelSetup
{
    /// <summary>Queries that wait for their own writes (<see cref="QueryModelOptions.MaxWait"/>).</summary>
    public static IServiceCollection AddQueryModelWaits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<QueryModelOptions>(configuration);
        services.AddSingleton(provider => new QueryModelWaits(provider.GetRequiredService<IOptions<QueryModelOptions>>().Value.MaxWait));
        services.AddSingleton(provider => new QueryModelAnnouncements(
            provider.GetRequiredService<IOptions<DatabaseSettings>>().Value.Postgres!,
            provider.GetRequiredService<ILogger<QueryModelAnnouncements>>()));
        services.AddHostedService(provider => provider.GetRequiredService<QueryModelAnnouncements>());
        services.AddHostedService(provider => new QueryModelChanges(
            provider.GetRequiredService<IOptions<DatabaseSettings>>().Value.Postgres!,
            provider.GetRequiredService<QueryModelWaits>(),
            provider.GetRequiredService<ILogger<QueryModelChanges>>()));
        return services;
    }
}
