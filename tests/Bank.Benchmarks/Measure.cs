using System.Diagnostics;

namespace Bank.Benchmarks;

/// <summary>One measured figure next to its baseline from the same run.</summary>
internal sealed record Figure(string Scenario, string Name, double Value, string Unit, string? Baseline = null, double? BaselineValue = null)
{
    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;
}

/// <summary>Latencies of a run of operations.</summary>
internal sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public int Count
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
        }
    }

    public void AddRange(IEnumerable<double> milliseconds)
    {
        lock (_milliseconds)
        {
            _milliseconds.AddRange(milliseconds);
        }
    }

    public double Percentile(double p)
    {
        lock (_milliseconds)
        {
            if (_milliseconds.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _milliseconds.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }
}

internal static class Load
{
    /// <summary>Runs <paramref name="clients"/> closed loops for <paramref name="duration"/>; returns operations per second and latencies.</summary>
    public static async Task<(double PerSecond, Latencies Latencies)> ClosedLoopAsync(
        int clients, TimeSpan duration, Func<int, long, Task> operation)
    {
        var latencies = new Latencies();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (long n = 0; watch.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(client, n);
                latencies.Add(Stopwatch.GetElapsedTime(started));
            }
        }));
        await Task.WhenAll(workers);
        return (latencies.Count / watch.Elapsed.TotalSeconds, latencies);
    }
}
