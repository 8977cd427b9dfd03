using Bank.Accounts.Contracts;
using Bank.Testing;

namespace Bank.Benchmarks;

/// <summary>
/// What a deposit costs in CPU, end to end: deposits at a steady 200/s (open loop) through HTTP and bearer tokens,
/// relayed to the host's own embedded broker and applied by both modules' consumer groups, over 64 accounts: the host
/// process's CPU and PostgreSQL's per acknowledged deposit, from /proc (this machine's /proc/stat does not add up to its
/// processes', so the machine's total is not used). Beside it, in the same run: the same rate of bare Marten appends of
/// the same event from this process (no HTTP, no token, no Kafka, no query models), this process's CPU and PostgreSQL's.
/// And the idle host.
/// </summary>
internal static class Cost
{
    private const int Rate = 200;

    public static async Task RunAsync(Bench bench)
    {
        var window = TimeSpan.FromSeconds(bench.Quick ? 10 : 30);
        await using var database = await TestDatabase.CreateAsync();
        await using var host = await Bench.StartHostWithOwnBrokerAsync(database);
        using var http = Bench.Client(host);
        var load = new DepositLoad(http, await EndToEndLag.OpenAccountsAsync(http, 64));
        await load.RunAsync(Rate, TimeSpan.FromSeconds(bench.Quick ? 5 : 20));

        var runs = new List<(double Host, double Postgres)>();
        for (var run = 0; run < (bench.Quick ? 1 : 3); run++)
        {
            var acknowledged = load.Acknowledged;
            var usage = await ProcessCpu.MeasureAsync([host.Id], TimeSpan.Zero, () => load.RunAsync(Rate, window));
            var deposits = load.Acknowledged - acknowledged;
            runs.Add((usage.Host * 1000 / deposits, usage.Postgres * 1000 / deposits));
            Console.WriteLine($"  run {run + 1}: {deposits} deposits acknowledged; per deposit host {runs[^1].Host:N2} ms, PostgreSQL {runs[^1].Postgres:N2} ms");
        }

        var (bare, barePostgres) = await BareAppendsAsync(database, window);
        var (hostCost, postgresCost) = (EndToEndLag.Median(runs.Select(r => r.Host)), EndToEndLag.Median(runs.Select(r => r.Postgres)));
        bench.Add(new Figure("cost", $"CPU per deposit at {Rate}/s (host + PostgreSQL)", hostCost + postgresCost, "ms", "a bare Marten append", bare + barePostgres));
        bench.Add(new Figure("cost", "  host process", hostCost, "ms", "the appending process", bare));
        bench.Add(new Figure("cost", "  PostgreSQL", postgresCost, "ms", "PostgreSQL for a bare append", barePostgres));

        // Right after the load the host still finishes its work; 20 s later it is idle.
        await Task.Delay(TimeSpan.FromSeconds(bench.Quick ? 5 : 20));
        var idleWindow = TimeSpan.FromSeconds(bench.Quick ? 5 : 20);
        var idle = await ProcessCpu.MeasureAsync([host.Id], idleWindow, () => Task.CompletedTask);
        bench.Add(new Figure("cost", "idle host CPU, 20 s after the load", idle.Host / idleWindow.TotalSeconds * 100, "% of a core"));
    }

    /// <summary>CPU per append of the same event straight through Marten from this process, at the same rate: this process's, and PostgreSQL's.</summary>
    private static async Task<(double Process, double Postgres)> BareAppendsAsync(TestDatabase database, TimeSpan window)
    {
        using var store = await Bench.BareEventStoreAsync(database, "bench_cost");
        var streams = Enumerable.Range(0, 64).Select(_ => Guid.CreateVersion7()).ToList();
        var count = (int)(Rate * window.TotalSeconds);
        async Task AppendAsync(int n)
        {
            await using var session = store.LightweightSession();
            var stream = streams[n % streams.Count];
            session.Events.Append(stream, new MoneyDeposited(stream, 1m, "EUR", 1m, "EUR", 1m, n));
            await session.SaveChangesAsync();
        }

        // The streams exist first, as the host's accounts do: two first appends to one stream in flight at once would
        // both try to create it. Then a warm-up, and the measured window.
        for (var n = 0; n < streams.Count; n++)
        {
            await AppendAsync(n);
        }

        await OpenLoop.RunAsync(Rate, Rate * 2, AppendAsync);
        var usage = await ProcessCpu.MeasureAsync([Environment.ProcessId], TimeSpan.Zero, () => OpenLoop.RunAsync(Rate, count, AppendAsync));
        return (usage.Host * 1000 / count, usage.Postgres * 1000 / count);
    }
}
