using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Bank.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Bank.Faults.Tests;

/// <summary>
/// Two instances share the consumer groups' partitions. When one dies or stops, the other consumes its partitions
/// within seconds, with the consumer settings the README gives for hosts sharing a standalone embedded broker.
/// </summary>
public sealed partial class TakeoverTests(ITestOutputHelper output) : FaultFixture
{
    /// <summary>
    /// With the 2 s session the host uses for its own embedded broker, and with the 6 s session it uses for any other
    /// cluster (the shortest a Kafka broker accepts by default), against a standalone embedded broker. The takeover has
    /// two parts, each with its own promise. The group's: the survivor holds every partition once the broker has noticed
    /// the dead member (within a session and its one-second check) and rebalanced. That broker (librdkafka's mock)
    /// waits a session less one second in each round whether or not every member has rejoined, and cooperative
    /// assignment takes two rounds, three when a member syncs late on a loaded machine; a few seconds more go to
    /// heartbeats and scheduling. A real cluster ends a round as soon as every member has rejoined. The host's: once it
    /// holds them, it consumes what waited within seconds.
    /// </summary>
    [Theory]
    [InlineData(2000, 5, false)]
    [InlineData(6000, 5, true)]
    public async Task A_killed_instance_s_partitions_are_consumed_by_the_survivor_within_seconds(
        int sessionTimeoutMs, int promisedSeconds, bool stallOutlastsItsDetection)
    {
        var session = TimeSpan.FromMilliseconds(sessionTimeoutMs);
        var groupTakeover = session + TimeSpan.FromSeconds(1) + (3 * (session - TimeSpan.FromSeconds(1))) + TimeSpan.FromSeconds(5);
        var consumed = TimeSpan.FromSeconds(promisedSeconds);
        var settings = Settings;
        if (sessionTimeoutMs == 6000)
        {
            // The host's own defaults for a cluster it did not start.
            settings.Remove("Kafka:Consumer:session.timeout.ms");
            settings.Remove("Kafka:Consumer:heartbeat.interval.ms");
            settings.Remove("Kafka:Consumer:max.poll.interval.ms");
        }

        await using var victim = await HostProcess.StartAsync(settings);
        await using var survivor = await HostProcess.StartAsync(settings);
        var accounts = await OpenAccountsAsync(survivor, 12);
        await BothConsumeAsync(victim, survivor);
        var everyPartition = Sum(await HeldAsync(victim), await HeldAsync(survivor));

        await using (var load = new DepositLoad([victim, survivor], accounts))
        {
            await Eventually.ReturnsAsync(() => Task.FromResult(load.Acknowledged.Count), count => count >= 300, TimeSpan.FromSeconds(60));
            var untilKill = load.Acknowledged.Count;
            victim.Kill();
            using var seen = new HealthSampler(survivor, everyPartition);

            // The survivor takes every command meanwhile, then the models must catch up with all of them.
            await Eventually.ReturnsAsync(() => Task.FromResult(load.Acknowledged.Count), count => count >= untilKill + 200, TimeSpan.FromSeconds(60));
            await load.StopAsync();
            var held = (await Eventually.ReturnsAsync(() => seen.HoldsEveryPartitionAsync(), held => held.Since is not null, TimeSpan.FromSeconds(120))).Since!.Value;
            await Eventually.ReturnsAsync(() => EventsNotInQueryModelsAsync(), behind => behind == 0, TimeSpan.FromSeconds(120));
            var converged = seen.SinceKill;
            output.WriteLine(
                $"The survivor held every partition {held.TotalSeconds:0.0} s after the kill, and its query models equal the store " +
                $"{converged.TotalSeconds:0.0} s after the kill; {load.Acknowledged.Count} deposits acknowledged.");
            Assert.True(
                held <= groupTakeover,
                $"The group gave the survivor the dead member's partitions {held.TotalSeconds:0.0} s after the kill; the promise is {groupTakeover.TotalSeconds} s.");
            Assert.True(
                converged - held <= consumed,
                $"The survivor's query models caught up {(converged - held).TotalSeconds:0.0} s after it held every partition; the promise is {consumed.TotalSeconds} s.");

            // While the dead member's partitions waited, the lag metric showed them; /health said so when they waited longer
            // than it takes to call a partition stalled (4 s). A 2 s session's takeover can be over before that, and
            // the rebalance before it is shorter than the statistics' one-second beat.
            await seen.StopAsync();
            Assert.True(seen.MaxConsumerLag > 0, "The survivor's /metrics never showed a consumer lag for the stalled partitions.");
            output.WriteLine($"/health said: {seen.DegradedConsumerGroups}");
            if (stallOutlastsItsDetection)
            {
                Assert.True(seen.DegradedConsumerGroups is not null, "The survivor's /health never reported the stalled consumer groups.");
            }
        }

        await AssertNothingLostOrDoubledAsync(accounts);
    }

    [Fact]
    public async Task A_rolling_restart_under_load_keeps_the_query_models_within_seconds()
    {
        var ports = new[] { HostProcess.FreePort(), HostProcess.FreePort() };
        var hosts = new[] { await HostProcess.StartAsync(Settings, ports[0]), await HostProcess.StartAsync(Settings, ports[1]) };
        try
        {
            var accounts = await OpenAccountsAsync(hosts[1], 12);
            await BothConsumeAsync(hosts[0], hosts[1]);
            await using var load = new DepositLoad(hosts, accounts);
            using var lag = new LagSampler(this);
            for (var i = 0; i < hosts.Length; i++)
            {
                var before = load.Acknowledged.Count;
                lag.Step($"stopping instance {i + 1}");
                var stopped = await hosts[i].StopAsync();
                output.WriteLine($"Instance {i + 1} stopped in {stopped.TotalSeconds:0.0} s.");
                Assert.True(stopped < TimeSpan.FromSeconds(10), $"A graceful stop took {stopped.TotalSeconds:0.0} s.");
                await hosts[i].DisposeAsync();
                lag.Step($"starting instance {i + 1}");
                hosts[i] = await HostProcess.StartAsync(Settings, ports[i]);
                lag.Step($"instance {i + 1} started");
                await BothConsumeAsync(hosts[0], hosts[1]);
                lag.Step("both instances consume");
                await Eventually.ReturnsAsync(() => Task.FromResult(load.Acknowledged.Count), count => count >= before + 200, TimeSpan.FromSeconds(60));
            }

            await load.StopAsync();
            await Eventually.ReturnsAsync(() => EventsNotInQueryModelsAsync(), behind => behind == 0, TimeSpan.FromSeconds(120));
            var worst = await lag.StopAsync();

            output.WriteLine($"Oldest event not yet in a query model during the restarts: {worst.TotalSeconds:0.0} s.");
            output.WriteLine(lag.Timeline);
            Assert.True(
                worst < TimeSpan.FromSeconds(6),
                $"An event waited {worst.TotalSeconds:0.0} s for the query models during the rolling restart.{Environment.NewLine}{lag.Timeline}");
            await AssertNothingLostOrDoubledAsync(accounts);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Partitions_an_idle_instance_paused_are_consumed_again_when_they_come_back_to_it_under_load()
    {
        // An idle member pauses its partitions, and librdkafka keeps a partition paused when it is taken away and later
        // given back: those given back while events flow must be resumed, or they wait for the next quiet spell.
        await using var keeper = await HostProcess.StartAsync(Settings);
        var accounts = await OpenAccountsAsync(keeper, 24);
        await Eventually.ReturnsAsync(() => EventsNotInQueryModelsAsync(), behind => behind == 0, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3));

        await using var visitor = await HostProcess.StartAsync(Settings);
        using var lag = new LagSampler(this);
        lag.Step("a second instance joins: the idle keeper hands over partitions it had paused");
        await BothConsumeAsync(keeper, visitor);
        await using var load = new DepositLoad([keeper], accounts);
        await Eventually.ReturnsAsync(() => Task.FromResult(load.Acknowledged.Count), count => count >= 100, TimeSpan.FromSeconds(60));
        lag.Step("the second instance stops: its partitions come back to the keeper");
        await visitor.StopAsync();

        // Given-back partitions left paused would wait until the load stops, 15 s or more from here; those resumed wait
        // for the rebalance (a few seconds on a loaded machine), after whatever the relay is behind.
        var returned = load.Acknowledged.Count;
        await Eventually.ReturnsAsync(() => Task.FromResult(load.Acknowledged.Count), count => count >= returned + 1500, TimeSpan.FromSeconds(120));
        lag.Step("load stops");
        await load.StopAsync();
        var worst = await lag.StopAsync();
        output.WriteLine($"Oldest event not yet in a query model: {worst.TotalSeconds:0.0} s.");
        output.WriteLine(lag.Timeline);
        Assert.True(
            worst < TimeSpan.FromSeconds(10),
            $"An event waited {worst.TotalSeconds:0.0} s for the query models.{Environment.NewLine}{lag.Timeline}");
        await AssertNothingLostOrDoubledAsync(accounts);
    }

    [Fact]
    public async Task Events_the_relay_sends_long_after_their_append_wake_the_idle_members_that_consume_them()
    {
        // A member wakes for an append's notification and pauses again a second later. Events the relay sends only after
        // that (it was away) must wake it again: here its own looks for events are an hour apart.
        var consumerSettings = Settings;
        consumerSettings["Relay:Enabled"] = "false";
        consumerSettings["Kafka:IdleLookInterval"] = "01:00:00";
        await using var consumer = await HostProcess.StartAsync(consumerSettings);
        await ConsumesAsync(consumer);
        using var client = consumer.CreateClient();
        var account = await client.OpenAccountAsync("EUR", initialDeposit: 100m);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var relaySettings = Settings;
        relaySettings["Messaging:ConsumersEnabled"] = "false";
        var started = Stopwatch.StartNew();
        await using var relay = await HostProcess.StartAsync(relaySettings);
        var view = await client.GetShownAsync($"/accounts/{account}?minVersion=2");
        output.WriteLine($"Shown {started.Elapsed.TotalSeconds:0.0} s after the relaying instance started.");
        Assert.Equal(100m, view.GetProperty("balance").GetDecimal());
    }

    private static async Task<List<Guid>> OpenAccountsAsync(HostProcess host, int count)
    {
        using var client = host.CreateClient();
        var accounts = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            accounts.Add(await client.OpenAccountAsync("EUR", initialDeposit: 100m));
        }

        return accounts;
    }

    /// <summary>Both instances are members of both groups for both topics, joined and each holding partitions of each.</summary>
    private static async Task BothConsumeAsync(HostProcess first, HostProcess second)
    {
        await ConsumesAsync(first);
        await ConsumesAsync(second);
    }

    /// <summary>How many partitions of each topic in each group the instance holds, as its /health says.</summary>
    private static async Task<Dictionary<string, int>> HeldAsync(HostProcess host)
    {
        using var client = host.CreateClient();
        return Held((await ConsumerGroupsCheckAsync(client)).Description);
    }

    /// <summary>The consumer-groups check of the instance's /health: its status and what it says.</summary>
    private static async Task<(string Status, string Description)> ConsumerGroupsCheckAsync(HttpClient client)
    {
        var check = (await (await client.GetAsync("/health")).JsonAsync()).GetProperty("checks").GetProperty("consumer-groups");
        return (check.GetProperty("status").GetString()!, check.GetProperty("description").GetString()!);
    }

    private static Dictionary<string, int> Held(string healthDescription) =>
        HeldPartitions().Matches(healthDescription).ToDictionary(m => m.Groups[2].Value, m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    private static Dictionary<string, int> Sum(Dictionary<string, int> first, Dictionary<string, int> second) =>
        first.Keys.Union(second.Keys).ToDictionary(key => key, key => first.GetValueOrDefault(key) + second.GetValueOrDefault(key));

    /// <summary>The instance is a member of both groups for both topics, joined and holding partitions of each.</summary>
    private static async Task ConsumesAsync(HostProcess host)
    {
        using var client = host.CreateClient();
        await Eventually.ReturnsAsync(
            () => ConsumerGroupsCheckAsync(client),
            check => check.Status == "Healthy"
                && HeldPartitions().Matches(check.Description) is { Count: 4 } held
                && held.All(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0),
            TimeSpan.FromSeconds(60));
    }

    [GeneratedRegex(@"(\d+) partition\(s\) of (\w+ in \w+)")]
    private static partial Regex HeldPartitions();

    /// <summary>Events of account streams that the accounts' or the customers' query models do not hold yet.</summary>
    private Task<long> EventsNotInQueryModelsAsync() => Database.ScalarAsync<long>(
        """
        SELECT count(*) FROM bank.mt_streams s
        WHERE EXISTS (SELECT 1 FROM bank.mt_events e WHERE e.stream_id = s.id AND e.type = 'AccountOpened')
          AND (NOT EXISTS (SELECT 1 FROM accounts.mt_doc_accountview v WHERE v.id = s.id AND v.mt_version = s.version)
            OR NOT EXISTS (SELECT 1 FROM customers.mt_doc_customeraccount c WHERE c.id = s.id AND c.mt_version = s.version))
        """);

    /// <summary>
    /// Seconds since the oldest committed account event that the relay has not sent, that the accounts' query model does
    /// not hold, and that the customers' query model does not hold yet.
    /// </summary>
    private async Task<double[]> AgesAsync()
    {
        var ages = await Database.ScalarAsync<string>(
            """
            WITH relayed AS (SELECT coalesce(max(last_seq_id), 0) AS seq FROM bank.mt_event_progression WHERE name = 'EventRelay:All'),
                 pending AS (
                   SELECT e.timestamp, e.seq_id > (SELECT seq FROM relayed) AS unrelayed,
                          e.version > coalesce(v.mt_version, 0) AS not_in_accounts, e.version > coalesce(c.mt_version, 0) AS not_in_customers
                   FROM bank.mt_events e
                   LEFT JOIN accounts.mt_doc_accountview v ON v.id = e.stream_id
                   LEFT JOIN customers.mt_doc_customeraccount c ON c.id = e.stream_id
                   WHERE e.type IN ('AccountOpened', 'MoneyDeposited.v2', 'MoneyWithdrawn.v2'))
            SELECT concat_ws(' ',
              coalesce(extract(epoch FROM now() - min(timestamp) FILTER (WHERE unrelayed)), 0),
              coalesce(extract(epoch FROM now() - min(timestamp) FILTER (WHERE not_in_accounts)), 0),
              coalesce(extract(epoch FROM now() - min(timestamp) FILTER (WHERE not_in_customers)), 0))
            FROM pending
            """);
        return [.. ages.Split(' ').Select(age => double.Parse(age, CultureInfo.InvariantCulture))];
    }

    /// <summary>The models equal the event store (verify), and each account's balance is its deposits, each counted once.</summary>
    private async Task AssertNothingLostOrDoubledAsync(IReadOnlyList<Guid> accounts)
    {
        var (exitCode, verify) = await ConvergeAndVerifyAsync();
        Assert.True(exitCode == 0, verify);
        foreach (var account in accounts)
        {
            var deposited = await Database.ScalarAsync<decimal>(
                $"SELECT coalesce(sum((data->>'amount')::numeric), 0) FROM bank.mt_events WHERE stream_id = '{account}' AND type = 'MoneyDeposited.v2'");
            var shown = await Database.ScalarAsync<decimal>($"SELECT (data->>'balance')::numeric FROM accounts.mt_doc_accountview WHERE id = '{account}'");
            Assert.Equal(deposited, shown);
        }
    }

    /// <summary>Deposits of 1 EUR spread over the instances' APIs, about 100 a second, until stopped.</summary>
    private sealed class DepositLoad : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public DepositLoad(IReadOnlyList<HostProcess> hosts, IReadOnlyList<Guid> accounts) =>
            _running = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() => RunAsync(hosts, accounts, worker))));

        public ConcurrentBag<Guid> Acknowledged { get; } = [];

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task RunAsync(IReadOnlyList<HostProcess> hosts, IReadOnlyList<Guid> accounts, int worker)
        {
            var random = new Random(worker);
            var clients = new Dictionary<Uri, HttpClient>();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var host = hosts[random.Next(hosts.Count)];
                    if (!clients.TryGetValue(host.Address, out var client))
                    {
                        client = clients[host.Address] = host.CreateClient();
                    }

                    var account = accounts[random.Next(accounts.Count)];
                    try
                    {
                        var response = await client.PostJsonAsync($"/accounts/{account}/deposits", new { amount = 1, currency = "EUR" });
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Acknowledged.Add(account);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // That instance is down: it may or may not have committed this deposit.
                    }

                    await Task.Delay(40);
                }
            }
            finally
            {
                foreach (var client in clients.Values)
                {
                    client.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// Polls an instance's /health and /metrics from the moment of a kill: what it said about its consumer groups, and
    /// when it first held every partition of every group.
    /// </summary>
    private sealed class HealthSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Stopwatch _sinceKill = Stopwatch.StartNew();
        private readonly Task _running;
        private string? _lastSaid;
        private TimeSpan? _holdsEveryPartition;

        public HealthSampler(HostProcess host, Dictionary<string, int> everyPartition) => _running = Task.Run(() => RunAsync(host, everyPartition));

        public TimeSpan SinceKill => _sinceKill.Elapsed;

        /// <summary>When the instance first held every partition (null while it does not), and what its /health last said.</summary>
        public async Task<(TimeSpan? Since, string? Said)> HoldsEveryPartitionAsync()
        {
            if (_running.IsFaulted)
            {
                await _running;
            }

            return (_holdsEveryPartition, _lastSaid);
        }

        public string? DegradedConsumerGroups { get; private set; }

        public long MaxConsumerLag { get; private set; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public void Dispose() => _stop.Dispose();

        private async Task RunAsync(HostProcess host, Dictionary<string, int> everyPartition)
        {
            using var client = host.CreateClient();
            while (!_stop.IsCancellationRequested)
            {
                var (status, description) = await ConsumerGroupsCheckAsync(client);
                _lastSaid = $"{status}: {description}";
                if (status == "Degraded")
                {
                    DegradedConsumerGroups ??= description;
                }

                var held = Held(description);
                if (_holdsEveryPartition is null && !description.Contains("rebalancing", StringComparison.Ordinal)
                    && everyPartition.All(p => held.GetValueOrDefault(p.Key) == p.Value))
                {
                    _holdsEveryPartition = _sinceKill.Elapsed;
                }

                var metrics = await client.GetStringAsync("/metrics");
                foreach (var line in metrics.Split('\n').Where(l => l.StartsWith("bank_consumer_lag{", StringComparison.Ordinal)))
                {
                    MaxConsumerLag = Math.Max(MaxConsumerLag, long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
                }

                await Task.Delay(250);
            }
        }
    }

    /// <summary>
    /// The worst age, sampled four times a second, of the oldest event the query models did not hold yet, with a
    /// timeline (what the test was doing, and whether the relay or a module's consumers held the event) for the report.
    /// </summary>
    private sealed class LagSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<string> _timeline = new();
        private readonly Task<TimeSpan> _running;
        private string _step = "load";

        public LagSampler(TakeoverTests test) => _running = Task.Run(() => RunAsync(test));

        /// <summary>Samples where some event was older than a second.</summary>
        public string Timeline => string.Join(Environment.NewLine, _timeline);

        public void Step(string step)
        {
            _step = step;
            _timeline.Enqueue($"{_clock.Elapsed.TotalSeconds,6:0.00} s  {step}");
        }

        public async Task<TimeSpan> StopAsync()
        {
            await _stop.CancelAsync();
            return await _running;
        }

        public void Dispose() => _stop.Dispose();

        private async Task<TimeSpan> RunAsync(TakeoverTests test)
        {
            var worst = TimeSpan.Zero;
            while (!_stop.IsCancellationRequested)
            {
                var ages = await test.AgesAsync();
                var oldest = TimeSpan.FromSeconds(ages.Max());
                worst = oldest > worst ? oldest : worst;
                if (oldest > TimeSpan.FromSeconds(1))
                {
                    _timeline.Enqueue(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{_clock.Elapsed.TotalSeconds,6:0.00} s  [{_step}] oldest not relayed {ages[0]:0.0} s, not in accounts {ages[1]:0.0} s, not in customers {ages[2]:0.0} s"));
                }

                await Task.Delay(250);
            }

            return worst;
        }
    }
}
