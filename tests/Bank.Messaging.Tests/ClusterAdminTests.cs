using Bank.Messaging.Kafka.Cluster;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>The one admin client the host's periodic readings share: never disposed under a reading, renewed after a failed one.</summary>
public sealed class ClusterAdminTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Nothing listens there: making a client needs no broker, and these readings send no request.
    private readonly KafkaCluster _cluster = new(Options.Create(new KafkaOptions { BootstrapServers = "127.0.0.1:9" }), NullLogger<KafkaCluster>.Instance);

    [Fact]
    public async Task A_reading_waits_for_the_one_before_it_to_finish_with_the_client()
    {
        using var admin = new ClusterAdmin(_cluster, NullLogger<ClusterAdmin>.Instance);
        var firstMayFinish = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource();
        var first = admin.ReadAsync<string>(
            async _ =>
            {
                firstStarted.SetResult();
                await firstMayFinish.Task;
                return "first";
            },
            CancellationToken.None);
        await firstStarted.Task.WaitAsync(Patience);

        var secondStarted = false;
        var second = admin.ReadAsync<string>(
            _ =>
            {
                secondStarted = true;
                return Task.FromResult<string?>("second");
            },
            CancellationToken.None);

        Assert.False(secondStarted);
        Assert.False(second.IsCompleted);
        firstMayFinish.SetResult();
        Assert.Equal("first", await first.WaitAsync(Patience));
        Assert.Equal("second", await second.WaitAsync(Patience));
        Assert.True(secondStarted);
    }

    [Fact]
    public async Task A_reading_that_could_not_read_the_cluster_renews_the_client_and_one_that_could_keeps_it()
    {
        using var admin = new ClusterAdmin(_cluster, NullLogger<ClusterAdmin>.Instance);
        var first = await ClientOfAsync(admin, answer: "read");
        var kept = await ClientOfAsync(admin, answer: null);
        var renewed = await ClientOfAsync(admin, answer: "read");

        Assert.Same(first, kept);
        Assert.NotSame(kept, renewed);
        Assert.Throws<ObjectDisposedException>(() => kept.Name);
    }

    public void Dispose() => _cluster.Dispose();

    private static async Task<IAdminClient> ClientOfAsync(ClusterAdmin admin, string? answer)
    {
        IAdminClient? used = null;
        await admin.ReadAsync(
            client =>
            {
                used = client;
                return Task.FromResult(answer);
            },
            CancellationToken.None);
        return used!;
    }
}
