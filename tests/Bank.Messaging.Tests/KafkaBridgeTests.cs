using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Embedded;
using Bank.Messaging.Kafka.Parking;
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
    public async Task A_second_instance_that_joins_starts_where_the_first_finished_the_partitions_it_takes_over_nothing_lost_or_doubled()
    {
        // The embedded broker refuses commits while the group rebalances, the hand-over's own among them: what tells the
        // newcomer where to start is the commit made within moments of finishing.
        var (first, second) = (new Recorder(), new Recorder());
        var group = $"alpha-{_groups}";
        await using var one = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, first, _groups);
        var accounts = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        await ProduceVersionsAsync(accounts, 1, 5);
        await Eventually.ReturnsAsync(() => Task.FromResult(first.Handled.Count(h => h.Module == "alpha")), count => count == 60, TimeSpan.FromSeconds(30));

        await using var two = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, second, _groups);
        await Eventually.ReturnsAsync(
            () => Task.FromResult((One: one.PartitionsHeld(group), Two: two.PartitionsHeld(group))),
            held => held.One > 0 && held.Two > 0 && held.One + held.Two == 6,
            TimeSpan.FromSeconds(60));
        await ProduceVersionsAsync(accounts, 6, 10);

        var handled = await Eventually.ReturnsAsync(
            () => Task.FromResult(first.Handled.Concat(second.Handled).Where(h => h.Module == "alpha").Select(h => (h.Key, h.Version)).ToList()),
            all => all.Distinct().Count() == 120,
            TimeSpan.FromSeconds(60));
        // The newcomer reads its partitions' older messages, if at all, before their newer ones: every one it read twice is here.
        var twice = first.Handled.Select(h => ("first", h)).Concat(second.Handled.Select(h => ("second", h)))
            .Where(h => h.h.Module == "alpha")
            .GroupBy(h => (h.h.Key, h.h.Version))
            .Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(h => $"{h.Item1} {h.h.Key[..8]} v{h.h.Version} p{h.h.Kafka?.Partition} @{h.h.Kafka?.Offset}"));
        Assert.True(handled.Count == 120, $"{handled.Count} handled; twice: {string.Join("; ", twice)}");
        Assert.Contains(second.Handled, h => h.Module == "alpha");
    }

    [Fact]
    public async Task A_partition_handed_over_while_its_batch_is_being_handled_is_started_by_its_new_owner_after_that_batch()
    {
        var (first, second) = (new Recorder(), new Recorder());
        var group = $"alpha-{_groups}";
        // A session that a busy machine cannot make a member miss: this is about a hand-over, not a member lost.
        var session = new Dictionary<string, string?> { ["Kafka:Consumer:session.timeout.ms"] = "3500", ["Kafka:Consumer:heartbeat.interval.ms"] = "500" };
        await using var one = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, first, _groups, session);
        var accounts = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        await ProduceVersionsAsync(accounts, 1, 2);
        await Eventually.ReturnsAsync(() => Task.FromResult(first.Handled.Count(h => h.Module == "alpha")), count => count == 24, TimeSpan.FromSeconds(30));

        // One account's third deposit takes 4 s to handle: the hand-over comes while the first member is in the middle of its batch.
        first.SlowOnAmount = (3m, TimeSpan.FromSeconds(4));
        foreach (var account in accounts)
        {
            await Deposits.ProduceAsync(_broker.BootstrapServers, account, 3, account == accounts[0] ? 3m : 1m);
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(first.Attempts.Count(a => a is ("alpha", 3))), count => count > 0, TimeSpan.FromSeconds(30));
        await using var two = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, second, _groups, session);
        await Eventually.ReturnsAsync(
            () => Task.FromResult((One: one.PartitionsHeld(group), Two: two.PartitionsHeld(group))),
            held => held.One > 0 && held.Two > 0 && held.One + held.Two == 6,
            TimeSpan.FromSeconds(90));
        await ProduceVersionsAsync(accounts, 4, 5);

        await Eventually.ReturnsAsync(
            () => Task.FromResult(first.Handled.Concat(second.Handled).Where(h => h.Module == "alpha").Select(h => (h.Key, h.Version)).Distinct().Count()),
            count => count == 60,
            TimeSpan.FromSeconds(90));
        var (byFirst, bySecond) = (first.Handled.Where(h => h.Module == "alpha").ToList(), second.Handled.Where(h => h.Module == "alpha").ToList());
        foreach (var (host, handled) in new[] { ("first", byFirst), ("second", bySecond) })
        {
            var twice = handled.GroupBy(h => (h.Key, h.Version)).Where(same => same.Count() > 1).ToList();
            Assert.True(
                twice.Count == 0,
                $"The {host} host handled {twice.Count} events twice (the slow v3 of {accounts[0].ToString("D")[..8]} ended at {SlowOneDone()}): " +
                string.Join("; ", twice.Select(same => $"{same.Key.Key[..8]} v{same.Key.Version} at {string.Join(", ", same.Select(h => $"{h.Kafka?.Partition}@{h.Kafka?.Offset} t{h.At}"))}")));
        }

        Assert.All(bySecond.GroupBy(h => h.Key), key => Assert.Equal(key.Select(h => h.Version).Order(), key.Select(h => h.Version)));
        // The new owner starts after the batch, never during it: right after it, or, where the last commits did not take
        // (the embedded broker may refuse one while its group rebalances, and offsets fetched before a lost connection are
        // never committed), from the last commit that did, handling again, once the batch is over, what finished here.
        var slowOneDone = SlowOneDone();
        var again = bySecond.Where(h => byFirst.Any(f => (f.Key, f.Version) == (h.Key, h.Version))).ToList();
        Assert.All(again, h => Assert.True(h.At > slowOneDone, $"{h.Key[..8]} v{h.Version} handled by the new owner before the batch ended"));
        Assert.NotEmpty(bySecond);

        long SlowOneDone() => byFirst.First(h => h.Key == accounts[0].ToString("D") && h.Version == 3).At;
    }

    [Fact]
    public async Task A_message_that_keeps_failing_parks_its_key_while_other_keys_of_its_partition_flow_and_replay_applies_it_in_order()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        var partition = await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m);
        var neighbours = new List<Guid>();
        while (neighbours.Count < 2)
        {
            var candidate = Guid.NewGuid();
            if (await Deposits.ProduceAsync(_broker.BootstrapServers, candidate, 1, 1m) == partition)
            {
                neighbours.Add(candidate);
            }
        }

        foreach (var (version, amount) in new[] { (2, 1m), (3, 13m), (4, 1m), (5, 1m) })
        {
            await Deposits.ProduceAsync(_broker.BootstrapServers, account, version, amount);
            foreach (var neighbour in neighbours)
            {
                Assert.Equal(partition, await Deposits.ProduceAsync(_broker.BootstrapServers, neighbour, version, 1m));
            }
        }

        var key = account.ToString("D");
        await Eventually.ReturnsAsync(
            () => host.DeadLetters.ListAsync(CancellationToken.None), parked => parked.SingleOrDefault() is { Count: 3 }, TimeSpan.FromSeconds(30));
        await Eventually.ReturnsAsync(
            () => Task.FromResult(neighbours.Sum(n => _recorder.VersionsOf("beta", n.ToString("D")).Count())), count => count == 10);

        Assert.Equal([1L, 2], _recorder.VersionsOf("beta", key));
        Assert.Equal([1L, 2, 3, 4, 5], _recorder.VersionsOf("alpha", key));
        Assert.All(neighbours, n => Assert.Equal([1L, 2, 3, 4, 5], _recorder.VersionsOf("beta", n.ToString("D"))));
        var parked = Assert.Single(await host.DeadLetters.ListAsync(CancellationToken.None));
        Assert.Equal(($"beta-{_groups}", "events_Account", key, 3, 3L), (parked.Group, parked.Topic, parked.Key, parked.Count, parked.FirstStreamVersion));
        Assert.Contains("unlucky", parked.Error, StringComparison.Ordinal);
        var dead = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account.dlt", expected: 3);
        Assert.Equal(["3", "4", "5"], dead.Select(m => m.Headers[EventHeaders.StreamVersion]));
        Assert.All(dead, m => Assert.Equal(key, m.Key));
        Assert.Contains("\"amount\":\"13\"", dead[0].Value, StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException", dead[0].Headers[DeadLetterHeaders.ExceptionType]);
        Assert.Contains("unlucky", dead[0].Headers[DeadLetterHeaders.ExceptionMessage], StringComparison.Ordinal);
        Assert.Equal($"beta-{_groups}", dead[0].Headers[DeadLetterHeaders.ConsumerGroup]);
        Assert.Equal("events_Account", dead[0].Headers[DeadLetterHeaders.OriginalTopic]);
        Assert.Equal(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), dead[0].Headers[DeadLetterHeaders.OriginalPartition]);

        var stillFailing = Assert.Single(await host.DeadLetters.ReplayAsync(null, key, CancellationToken.None));
        Assert.Equal((0, 3), (stillFailing.Handled, stillFailing.StillParked));

        _recorder.UnluckyThirteen = false;
        var replayed = Assert.Single(await host.DeadLetters.ReplayAsync($"beta-{_groups}", key, CancellationToken.None));
        Assert.Equal((3, 0), (replayed.Handled, replayed.StillParked));
        Assert.Equal([1L, 2, 3, 4, 5], _recorder.VersionsOf("beta", key));
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
        Assert.Empty(await host.DeadLetters.ReplayAsync(null, null, CancellationToken.None));

        // The key flows again.
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 6, 1m);
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", key).Count()), count => count == 6);
        Assert.Equal([1L, 2, 3, 4, 5, 6], _recorder.VersionsOf("beta", key));
    }

    [Fact]
    public async Task A_message_whose_consumer_finds_the_database_away_is_handled_in_order_once_it_is_back_never_parked()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        var key = account.ToString("D");
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m);
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", key).Count()), count => count == 1);

        _recorder.DatabaseAway = true;
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 2, 17m);
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 3, 1m);
        // Beta's consumer retries twice per attempt: three attempts of the batch have failed.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(_recorder.Attempts.Count(a => a is ("beta", 2))), count => count >= 9, TimeSpan.FromSeconds(60));
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));

        _recorder.DatabaseAway = false;
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", key).Count()), count => count == 3, TimeSpan.FromSeconds(60));
        Assert.Equal([1L, 2, 3], _recorder.VersionsOf("beta", key));
        Assert.Equal([1L, 2, 3], _recorder.VersionsOf("alpha", key));
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_message_delivered_again_from_before_its_key_was_parked_is_handled_not_parked_behind()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        var key = account.ToString("D");
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m);
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 2, 13m);
        await Eventually.ReturnsAsync(
            () => host.DeadLetters.ListAsync(CancellationToken.None), parked => parked.SingleOrDefault() is { Count: 1 }, TimeSpan.FromSeconds(30));

        // Version 1 again, as a member that stopped before committing its offsets leaves it; then version 3, which waits.
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m);
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 3, 1m);

        var parked = await Eventually.ReturnsAsync(
            () => host.DeadLetters.ListAsync(CancellationToken.None), keys => keys.SingleOrDefault() is { Count: 2 }, TimeSpan.FromSeconds(30));
        Assert.Equal(2L, parked.Single().FirstStreamVersion);
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.VersionsOf("beta", key).Count()), count => count == 2, TimeSpan.FromSeconds(30));
        Assert.All(_recorder.VersionsOf("beta", key), version => Assert.Equal(1L, version));
    }

    [Fact]
    public async Task An_unreadable_payload_parks_its_key_in_every_group_until_it_is_discarded_and_the_rest_replayed()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        var poison = Guid.NewGuid();
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m, rawValue: "{ this is not json", eventId: poison);
        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 2, 1m);

        await Eventually.ReturnsAsync(
            () => host.DeadLetters.ListAsync(CancellationToken.None), parked => parked.Count == 2 && parked.All(p => p.Count == 2), TimeSpan.FromSeconds(30));
        Assert.Empty(_recorder.Handled);
        var dead = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account.dlt", expected: 4);
        Assert.Equal(2, dead.Count(message => message.Value == "{ this is not json"));

        var dropped = await host.DeadLetters.DiscardAsync(null, account.ToString("D"), poison, CancellationToken.None);
        Assert.Equal(2, dropped.Count);
        Assert.All(dropped, d => Assert.Equal(poison, d.FirstEventId));
        var replayed = await host.DeadLetters.ReplayAsync(null, account.ToString("D"), CancellationToken.None);

        Assert.All(replayed, r => Assert.Equal((1, 0), (r.Handled, r.StillParked)));
        Assert.Equal([2L], _recorder.VersionsOf("alpha", account.ToString("D")));
        Assert.Equal([2L], _recorder.VersionsOf("beta", account.ToString("D")));
    }

    [Fact]
    public async Task A_dead_letter_topic_that_refuses_the_copy_stalls_the_partition_and_nothing_is_passed_over()
    {
        var account = Guid.NewGuid();
        _broker.Deny("events_Account.dlt");
        int partition;
        await using (var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups))
        {
            partition = await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m, rawValue: "{ this is not json");
            await Deposits.ProduceAsync(_broker.BootstrapServers, account, 2, 1m);

            // Stored as parked, but not yet copied to the dead-letter topic: the message is not finished.
            await Eventually.ReturnsAsync(
                () => host.DeadLetters.ListAsync(CancellationToken.None), parked => parked.Count == 2, TimeSpan.FromSeconds(30));
            foreach (var _ in Enumerable.Range(0, 3))
            {
                // Offsets are committed every second: over three of them, neither group may pass the poison message.
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.All(await CommittedAsync(partition), offset => Assert.True(offset <= 0, $"A group committed offset {offset}"));
            }

            Assert.Empty(_recorder.Handled);
        }

        _broker.Authorize("events_Account.dlt");
        await using (await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups))
        {
            await Eventually.ReturnsAsync(() => CommittedAsync(partition), offsets => offsets.All(o => o == 2), TimeSpan.FromSeconds(60));
        }

        var dead = await TopicReader.ReadAsync(_broker.BootstrapServers, "events_Account.dlt", expected: 4);
        Assert.Equal(2, dead.Count(message => message.Value == "{ this is not json"));
        Assert.Empty(_recorder.Handled);
    }

    [Fact]
    public async Task A_message_of_no_known_type_is_counted_and_passed_over_and_its_key_flows_on()
    {
        using var skipped = new CounterListener("bank.events_skipped");
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _broker.BootstrapServers }).SetLogHandler((_, _) => { }).Build())
        {
            await producer.ProduceAsync("events_Account", new Message<string, string>
            {
                Key = account.ToString("D"),
                Value = "{}",
                Headers = new Headers { { EventHeaders.MessageType, "MoneyPrinted"u8.ToArray() } },
            });
        }

        await Deposits.ProduceAsync(_broker.BootstrapServers, account, 1, 1m);

        // Each of the two groups passes it over and handles the deposit behind it.
        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.Handled.Count), count => count == 2, TimeSpan.FromSeconds(30));
        Assert.Equal([1L], _recorder.VersionsOf("alpha", account.ToString("D")));
        Assert.Equal(2, skipped.Total);
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_message_as_version_1_wrote_it_with_a_field_the_bank_does_not_know_is_read_as_the_current_version()
    {
        await using var host = await BridgeHost.StartAsync(_database, _broker.BootstrapServers, _recorder, _groups);
        var account = Guid.NewGuid();

        // Money as numbers and no event-version header, as relayed before version 2; and a field from some later writer.
        await Deposits.ProduceAsync(
            _broker.BootstrapServers,
            account,
            1,
            12.50m,
            rawValue: $$"""{"accountId":"{{account}}","amount":12.50,"currency":"EUR","originalAmount":12.50,"originalCurrency":"EUR","exchangeRate":1,"balance":12.50,"memo":"later"}""");

        await Eventually.ReturnsAsync(() => Task.FromResult(_recorder.Handled.Count), count => count == 2, TimeSpan.FromSeconds(30));
        Assert.Equal(12.50m, _recorder.AmountsRead[(account.ToString("D"), 1)]);
        Assert.Empty(await host.DeadLetters.ListAsync(CancellationToken.None));
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

    private async Task ProduceVersionsAsync(List<Guid> accounts, int from, int to)
    {
        for (var version = from; version <= to; version++)
        {
            foreach (var account in accounts)
            {
                await Deposits.ProduceAsync(_broker.BootstrapServers, account, version, 1m);
            }
        }
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

    /// <summary>Each group's committed offset on the partition (negative when it has none).</summary>
    private async Task<long[]> CommittedAsync(int partition)
    {
        var offsets = new List<long>();
        foreach (var group in new[] { "alpha-" + _groups, "beta-" + _groups })
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _broker.BootstrapServers, GroupId = group })
                .SetLogHandler((_, _) => { }).Build();
            var committed = await Task.Run(() => consumer.Committed([new TopicPartition("events_Account", partition)], TimeSpan.FromSeconds(10)));
            offsets.Add(committed[0].Offset.Value);
        }

        return [.. offsets];
    }
}
