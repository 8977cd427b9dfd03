using Bank.BuildingBlocks.EventSourcing;
using Marten;
using Microsoft.Extensions.Hosting;

namespace Bank.BuildingBlocks.Web.Idempotency;

public static class IdempotencySetup
{
    /// <summary>How long an idempotency key is kept at least: a retry within it gets the first answer.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    /// <summary>Stores the answers given under idempotency keys, and forgets them once they are older than <see cref="KeptFor"/>.</summary>
    public static IServiceCollection AddIdempotentCommands(this IServiceCollection services)
    {
        services.ConfigureMarten(options =>
            options.Schema.For<RecordedAnswer>().DatabaseSchemaName(EventStoreSetup.SchemaName).Duplicate(answer => answer.AnsweredAt));
        services.AddHostedService<ExpiredKeys>();
        return services;
    }

    /// <summary>Deletes the answers older than <see cref="KeptFor"/>, once an hour.</summary>
    private sealed class ExpiredKeys(IDocumentStore store, TimeProvider time, ILogger<ExpiredKeys> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var hourly = new PeriodicTimer(TimeSpan.FromHours(1), time);
            do
            {
                try
                {
                    await using var session = store.LightweightSession();
                    var cutoff = time.GetUtcNow() - KeptFor;
                    session.DeleteWhere<RecordedAnswer>(answer => answer.AnsweredAt < cutoff);
                    await session.SaveChangesAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Could not delete expired idempotency keys; trying again in an hour");
                }
            }
            while (await hourly.WaitForNextTickAsync(stoppingToken));
        }
    }
}
