using System.Diagnostics;
using Bank.Benchmarks;

// dotnet run -c Release --project tests/Bank.Benchmarks -- [write] [growth] [relay] [lag] [rebuild] [restart] [cost] [fresh] [soak] [--quick]
// Without scenarios: write, growth, relay, lag (the soak is asked for by name).
var quick = args.Contains("--quick");
var known = new Dictionary<string, Func<Bench, Task>>
{
    ["write"] = WritePath.RunAsync,
    ["growth"] = CostGrowth.RunAsync,
    ["relay"] = RelayAndProjections.RunAsync,
    ["lag"] = EndToEndLag.RunAsync,
    ["soak"] = Soak.RunAsync,
    ["rebuild"] = Rebuild.RunAsync,
    ["restart"] = Restart.RunAsync,
    ["cost"] = Cost.RunAsync,
    ["fresh"] = Freshness.RunAsync,
};
var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (scenarios.Length == 0)
{
    scenarios = ["write", "growth", "relay", "lag"];
}

if (scenarios.FirstOrDefault(s => !known.ContainsKey(s)) is { } unknown)
{
    Console.Error.WriteLine($"Unknown scenario '{unknown}'. Known: {string.Join(", ", known.Keys)}; add --quick for a short run.");
    return 2;
}

await PostgreSql.EnsureRunningAsync();
var bench = new Bench(quick);
var watch = Stopwatch.StartNew();
foreach (var scenario in scenarios)
{
    Console.WriteLine($"{scenario}:");
    await known[scenario](bench);
}

Console.WriteLine();
Console.WriteLine(Report.Write(bench, scenarios, watch.Elapsed));
return 0;
