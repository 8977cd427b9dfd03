using Bank.BuildingBlocks.EventSourcing;
using Bank.Host.Operations;
using Bank.Messaging.Operations;
using Marten;

namespace Bank.Host.OperatorConsole;

/// <summary>
/// Says every two seconds, in PostgreSQL, that this instance runs and what it holds, so that any instance's console can
/// list them all; an instance that stopped cleanly takes its record away, one that died stops being seen.
/// </summary>
internal sealed class InstanceHeartbeat(
    IDocumentStore store, HostInstanceIdentity instance, MessagingStatus messaging, TimeProvider clock, ILogger<InstanceHeartbeat> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>An instance not heard of for this long is gone.</summary>
    public static readonly TimeSpan GoneAfter = TimeSpan.FromSeconds(10);

    // Records of instances that died are kept this long, then dropped (looked for once a minute).
    private static readonly TimeSpan ForgottenAfter = TimeSpan.FromHours(1);
    private static readonly TimeSpan ForgetEvery = TimeSpan.FromMinutes(1);

    private DateTimeOffset _forgotAt = DateTimeOffset.MinValue;

    /// <summary>This instance's id.</summary>
    public string InstanceId => instance.Id;

    public static void Register(StoreOptions options) =>
        options.Schema.For<HostInstanceRecord>().DatabaseSchemaName(EventStoreSetup.SchemaName).DocumentAlias("host_instance");

    public async Task<IReadOnlyList<HostInstanceRecord>> SeenAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        return await session.Query<HostInstanceRecord>().OrderBy(record => record.StartedAt).ToListAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                await BeatAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync takes the record away.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var session = store.LightweightSession();
            session.Delete<HostInstanceRecord>(instance.Id);
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Could not take this instance's record away; it ages out");
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = clock.GetUtcNow();
            await using var session = store.LightweightSession();
            session.Store(new HostInstanceRecord(
                instance.Id,
                instance.Version,
                instance.StartedAt,
                now,
                messaging.RelaysHere,
                messaging.Consumes,
                messaging.HeldPartitions.Select(p => HostInstanceRecord.PartitionOf(p.Group, p.Topic, p.Partition)).Order(StringComparer.Ordinal).ToList()));
            if (now - _forgotAt >= ForgetEvery)
            {
                var forgotten = now - ForgottenAfter;
                session.DeleteWhere<HostInstanceRecord>(record => record.LastSeen < forgotten);
                _forgotAt = now;
            }

            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(e, "Could not record that this instance runs; trying again in {Interval}", Interval);
        }
    }
}
