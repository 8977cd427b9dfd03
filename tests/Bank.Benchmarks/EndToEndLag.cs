using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>
/// Freshness: the time from a deposit's commit to the commit of each module's query models, as the host itself
/// measures it (<c>bank_query_model_lag_seconds</c> on <c>/metrics</c>, compared before and after each window).
/// Unloaded (one deposit every 100 ms), one deposit every 3 s (each after the consumers went idle), then three windows at 200 deposits/s over 3,000 accounts after a
/// one-minute warm-up (the median is reported), then the rate stepped up until p99 passes 250 ms. CPU per deposit and the
/// idle host's CPU (right after the warm-up and a minute after the last step) come from /proc.
/// </summary>
internal static class EndToEndLag
{
    private const int Rate = 200;

    public static async Task RunAsync(Bench bench)
    {
        var window = TimeSpan.FromSeconds(bench.Quick ? 10 : 60);
        await using var database = await TestDatabase.CreateAsync();
        using var broker = Bench.StartBroker();
        await using var host = await HostProcess.StartAsync(Bench.HostSettings(database, broker.BootstrapServers));
        using var http = Bench.Client(host);
        var accounts = await OpenAccountsAsync(http, bench.Quick ? 300 : 3000);
        var load = new DepositLoad(http, accounts);

        // Warm-up: a minute of the same load before anything is measured.
        await load.RunAsync(Rate, TimeSpan.FromSeconds(bench.Quick ? 3 : 60));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = await ProcessCpu.MeasureAsync([host.Id], TimeSpan.FromSeconds(bench.Quick ? 5 : 20), () => Task.CompletedTask);
        bench.Add(new Figure("lag", "idle host CPU, right after the load", idle.Host / (bench.Quick ? 5 : 20) * 100, "% of a core"));

        var unloaded = await LagHistogram.DuringAsync(http, () => load.OneAtATimeAsync(bench.Quick ? 30 : 100, TimeSpan.FromMilliseconds(100)));
        foreach (var module in LagHistogram.Modules)
        {
            bench.Add(new Figure("lag", $"{module} lag p50 unloaded (one deposit every 100 ms)", unloaded[module].Percentile(0.50), "ms"));
        }

        // Each of these finds the consumer group members idle, their partitions paused: the first event after a quiet spell.
        var afterQuiet = await LagHistogram.DuringAsync(http, () => load.OneAtATimeAsync(bench.Quick ? 3 : 10, TimeSpan.FromSeconds(3)));
        foreach (var module in LagHistogram.Modules)
        {
            bench.Add(new Figure("lag", $"{module} lag p50 after 3 s without events", afterQuiet[module].Percentile(0.50), "ms"));
            bench.Add(new Figure("lag", $"{module} lag max after 3 s without events (bucket bound)", afterQuiet[module].MaxBound, "ms"));
        }

        var runs = new List<(Dictionary<string, LagHistogram.Distribution> Lags, double Held, ProcessCpu.Usage Cpu)>();
        for (var run = 1; run <= 3; run++)
        {
            await load.RunAsync(Rate, TimeSpan.FromSeconds(bench.Quick ? 2 : 5));
            double held = 0;
            ProcessCpu.Usage cpu = default;
            PipelineSampler pipeline = null!;
            var lags = await LagHistogram.DuringAsync(http, async () =>
                cpu = await ProcessCpu.MeasureAsync([host.Id], window, async () =>
                    pipeline = await PipelineSampler.DuringAsync(http, async () => held = await load.RunAsync(Rate, window))));
            runs.Add((lags, held, cpu));
            Console.WriteLine($"  run {run}: {held:N0}/s, accounts p99 {lags["accounts"].Percentile(0.99):N1} ms, customers p99 {lags["customers"].Percentile(0.99):N1} ms; " +
                $"most waiting in the relay {pipeline.MaxRelayBacklog}, in consumer groups {pipeline.MaxConsumerLag}; around the worst: {pipeline.Worst()}");
        }

        foreach (var module in LagHistogram.Modules)
        {
            bench.Add(new Figure("lag", $"{module} lag p50 at {Rate} deposits/s (median of 3 runs of {window.TotalSeconds:N0} s)", Median(runs.Select(r => r.Lags[module].Percentile(0.50))), "ms"));
            bench.Add(new Figure("lag", $"{module} lag p99 at {Rate} deposits/s (median of 3 runs)", Median(runs.Select(r => r.Lags[module].Percentile(0.99))), "ms"));
            bench.Add(new Figure("lag", $"{module} lag max at {Rate} deposits/s (bucket bound, worst run)", runs.Max(r => r.Lags[module].MaxBound), "ms"));
        }

        var deposits = runs.Select(r => r.Held * window.TotalSeconds).ToList();
        bench.Add(new Figure("lag", $"host CPU per deposit at {Rate}/s", Median(runs.Select((r, i) => r.Cpu.Host * 1000 / deposits[i])), "ms"));
        bench.Add(new Figure("lag", $"PostgreSQL CPU per deposit at {Rate}/s", Median(runs.Select((r, i) => r.Cpu.Postgres * 1000 / deposits[i])), "ms"));

        // The runs at 200/s are the first step: stepping up starts above them.
        var held200 = LagHistogram.Modules.All(module => Median(runs.Select(r => r.Lags[module].Percentile(0.99))) <= 250);
        await StepUpAsync(bench, http, load, TimeSpan.FromSeconds(bench.Quick ? 5 : 20), held200 ? Rate : 0);

        // Right after the load the host still finishes its work and compiles the paths idleness takes; a minute later it is idle.
        await Task.Delay(TimeSpan.FromSeconds(bench.Quick ? 5 : 60));
        var settled = await ProcessCpu.MeasureAsync([host.Id], TimeSpan.FromSeconds(bench.Quick ? 5 : 20), () => Task.CompletedTask);
        bench.Add(new Figure("lag", "idle host CPU, a minute after the last request", settled.Host / (bench.Quick ? 5 : 20) * 100, "% of a core"));
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "bank-lag-host.log"), host.Output);
    }

    /// <summary>The highest rate, in steps of 100/s from <paramref name="held"/>, whose p99 stays within 250 ms for both modules.</summary>
    private static async Task StepUpAsync(Bench bench, HttpClient http, DepositLoad load, TimeSpan step, int held)
    {
        var capacity = held;
        for (var rate = held + 100; rate <= 1500; rate += 100)
        {
            double achieved = 0;
            var lags = await LagHistogram.DuringAsync(http, async () => achieved = await load.RunAsync(rate, step));
            var p99 = LagHistogram.Modules.Max(module => lags[module].Percentile(0.99));
            Console.WriteLine($"  step {rate}/s: held {achieved:N0}/s, p99 {p99:N1} ms");
            if (p99 > 250 || achieved < rate * 0.95)
            {
                break;
            }

            capacity = rate;
            // Let what queued drain before the next step.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        bench.Add(new Figure("lag", "capacity: highest steady rate with p99 <= 250 ms (steps of 100/s)", capacity, "deposits/s"));
    }

    /// <summary>Opens <paramref name="count"/> accounts of one customer, eight at a time.</summary>
    public static async Task<List<Guid>> OpenAccountsAsync(HttpClient http, int count)
    {
        var customerId = await http.CreateCustomerAsync();
        var accounts = new List<Guid>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < count / 8; i++)
            {
                var response = await http.PostJsonAsync("/accounts", new { customerId, currency = "EUR" });
                var id = (await response.JsonAsync()).GetProperty("id").GetGuid();
                lock (accounts)
                {
                    accounts.Add(id);
                }
            }
        })));
        return accounts;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
