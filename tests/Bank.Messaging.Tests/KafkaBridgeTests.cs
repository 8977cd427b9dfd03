using Bank.Messaging.EmbeddedKafka;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka;
using Bank.Testing;
using Confluent.Kafka;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>The Kafka-to-MassTransit bridge against the embedded broker and real PostgreSQL.</summary>
public sealed class KafkaBridgeTests : IAsyncLifetime
{
    private readonly Recorder _recorder = new();
    private readonly string _groups = Guid.NewGuid().ToString("N");
    private EmbeddedKafkaBroker _broker = null!;
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _broker = EmbeddedKafkaBroker.Start();
        _broker.CreateTopic("events_Account", 6);
        _broker.CreateTopic("events_Account.dlt", 6);
        _database = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _broker.Dispose();
    }

    [Fact]
    public async Task Each_module_group_gets_every_message_runs_only_its_own_consumers_and_keeps_the_order_per_key()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var accounts = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        for (var version = 1; version <= 20; version++)
        {
            foreach (var account in accounts)
            {
                await Deposits.ProduceAsync(_broker.BootstrapServers, account, version, 1m);
            }
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.Handled.Count), count => count >= 200);

        Assert.Equal(100, _recorder.Handled.Count(h => h.Module == "alpha"));
        Assert.Equal(100, _recorder.Handled.Count(h => h.Module == "beta"));
        foreach (var account in accounts.Select(a => a.ToString("D")))
        {
            Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), _recorder.VersionsOf("alpha", account));
            Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), _recorder.VersionsOf("beta", account));
        }

        Assert.All(_recorder.Handled, h =>
        {
            Assert.NotNull(h.Kafka);
            Assert.Equal("events_Account", h.Kafka.Topic);
            Assert.Equal(h.Key, h.Kafka.Key);
        });
        await AssertCommittedAsync($"alpha-{_groups}", 100);
        await AssertCommittedAsync($"beta-{_groups}", 100);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_dead_lettered_and_the_partition_moves_on()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        foreach (var (version, amount) in new[] { (1, 1m), (2, 1m), (3, 13m), (4, 1m), (5, 1m) })
        {
            await Deposits.ProduceAsync(_broker.BootstrapServers, account, version, amount);
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", account.ToString("D")).Count()), count => count >= 4);

        Assert.Equal([1L, 2, 4, 5], _recorder.VersionsOf("beta", account.ToString("D")));
        Assert.Equal([1L, 2, 3, 4, 5], _recorder.VersionsOf("alpha", account.ToString("D")));
        Assert.Equal(3, _recorder.Attempts.Count(a => a is { Module: "beta", Version: 3 }));
        var dead = Assert.Single(await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account.dlt", expected: 1));
        Assert.Equal(account.ToString("D"), dead.Key);
        Assert.Contains("\"amount\":13", dead.Value, StringComparison.Ordinal);
        Assert.Equal("3", dead.Headers[EventHeaders.StreamVersion]);
        Assert.Equal("System.InvalidOperationException", dead.Headers[DeadLetterHeaders.ExceptionType]);
        Assert.Contains("unlucky", dead.Headers[DeadLetterHeaders.ExceptionMessage], StringComparison.Ordinal);
        Assert.Equal($"beta-{_groups}", dead.Headers[DeadLetterHeaders.ConsumerGroup]);
        Assert.Equal("events_Account", dead.Headers[DeadLetterHeaders.OriginalTopic]);
        Assert.Equal("2", dead.Headers[DeadLetterHeaders.OriginalOffset]);
        Assert.True(int.TryParse(dead.Headers[DeadLetterHeaders.OriginalPartition], out _));
    }

    [Fact]
    public async Task An_unreadable_payload_is_dead_lettered_and_later_messages_are_processed()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m, rawValue: "{ this is not json");
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 2, 1m);

        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("alpha", account.ToString("D")).Count()), count => count >= 1);
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", account.ToString("D")).Count()), count => count >= 1);

        var dead = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account.dlt", expected: 2);
        Assert.Equal(2, dead.Count);
        Assert.All(dead, message => Assert.Equal("{ this is not json", message.Value));
        Assert.Equal([$"alpha-{_groups}", $"beta-{_groups}"], dead.Select(m => m.Headers[DeadLetterHeaders.ConsumerGroup]).Order());
    }

    [Fact]
    public async Task A_message_in_progress_when_the_host_stops_is_delivered_again_and_finished_ones_are_not()
    {
        var account = Guid.NewGuid();
        _recorder.BlockOnAmount = 99m;
        await using (var first = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups))
        {
            foreach (var (version, amount) in new[] { (1, 1m), (2, 1m), (3, 99m), (4, 1m) })
            {
                await Deposits.ProduceAsync(_broker.BootstrapServers, account, version, amount);
            }

            await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.Attempts.Count(a => a is { Module: "alpha", Version: 3 })), count => count == 1);
        }

        Assert.Equal([1L, 2], _recorder.VersionsOf("alpha", account.ToString("D")));
        _recorder.BlockOnAmount = null;

        await using var second = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);

        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("alpha", account.ToString("D")).Count()), count => count >= 4);
        Assert.Equal([1L, 2, 3, 4], _recorder.VersionsOf("alpha", account.ToString("D")));
        Assert.Equal(2, _recorder.Attempts.Count(a => a is { Module: "alpha", Version: 3 }));
    }

    private async Task AssertCommittedAsync(string group, long expected)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _broker.BootstrapServers, GroupId = group })
            .SetLogHandler((_, _) => { }).Build();
        var partitions = Enumerable.Range(0, 6).Select(p => new TopicPartition("events_Account", p)).ToList();
        await Eventually.ReturnsAsync(
            () => Task.FromResult(consumer.Committed(partitions, TimeSpan.FromSeconds(5)).Sum(p => Math.Max(0, p.Offset.Value))),
            committed => committed == expected);
    }
}
