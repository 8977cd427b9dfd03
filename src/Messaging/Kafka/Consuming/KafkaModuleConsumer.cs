using Bank.Messaging.Kafka.Cluster;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// One module's consumer group: a member for each topic of the events its consumers handle. A member's consumer
/// (<see cref="MemberConnection"/>) is polled by a <see cref="KafkaPollLoop"/>, what it fetches is handled by a
/// <see cref="KafkaBatchHandler"/> (<see cref="MemberHandling"/>) and committed through <see cref="PartitionProgress"/>
/// (<see cref="MemberPositions"/>). Ordering per partition (so per key) is kept throughout.
/// </summary>
internal sealed class KafkaModuleConsumer(
    string module,
    ConsumerGroups groups,
    MemberConnection connection,
    MemberPositions positions,
    MemberHandling handling,
    ILogger<KafkaModuleConsumer> logger) : BackgroundService
{
    // One member per topic: the cooperative-sticky assignor balances partitions by count over a member's topics, so a
    // member of both topics could get every events_Account partition and another member none; per topic, each gets its share.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = groups.Of(module);
        var members = group.Topics
            .Select(topic => new GroupMember(group.Group, topic, group.Handler, group.EventTypesByTopic[topic], logger))
            .ToList();
        foreach (var member in members)
        {
            connection.Joining(member);
        }

        return Task.WhenAll(members.Select(member => Task.Run(() => ConsumeAsync(member, stoppingToken), CancellationToken.None)));
    }

    private async Task ConsumeAsync(GroupMember member, CancellationToken stoppingToken)
    {
        try
        {
            await connection.TopicsReady.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        using var parts = new MemberParts();
        using var consumer = connection.Open(module, member, parts);
        var progress = positions.ProgressOf(consumer, member);
        var catchUp = positions.CatchUpOf(consumer, member, progress);
        var batches = handling.BatchesOf(member, progress, catchUp, parts.Ownership);
        var poll = connection.PollLoopOf(consumer, member, catchUp.Awaits, parts.Ownership);
        parts.Join(progress, catchUp, batches, poll);
        poll.Start();
        try
        {
            await batches.RunAsync(poll.Received, stoppingToken);
        }
        finally
        {
            // What finished is committed and recorded before the group is left.
            using (await parts.Ownership.HandlingAsync(CancellationToken.None))
            {
                await progress.SaveAsync(now: true, CancellationToken.None);
            }

            await poll.StopAsync();
            connection.Left(member);
        }
    }
}
