using System.Globalization;
using System.Text.RegularExpressions;

namespace Bank.Benchmarks;

/// <summary>
/// The host's own <c>bank_query_model_lag_seconds</c> histogram, read from <c>/metrics</c> before and after a stretch
/// of load: the difference is the lag of exactly the events applied meanwhile.
/// </summary>
internal static partial class LagHistogram
{
    public static readonly string[] Modules = ["accounts", "customers"];

    /// <summary>Runs <paramref name="load"/>, waits until the modules applied all of it, and returns each module's lag distribution.</summary>
    public static async Task<Dictionary<string, Distribution>> DuringAsync(HttpClient http, Func<Task> load)
    {
        var before = await ReadAsync(http);
        await load();
        // Settled: no module's count moves for a second.
        var after = await ReadAsync(http);
        for (var previous = before; !SameCounts(previous, after);)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            previous = after;
            after = await ReadAsync(http);
        }

        return Modules.ToDictionary(module => module, module => new Distribution(
            after[module].Select(bucket => (bucket.Bound, bucket.Count - before.GetValueOrDefault(module)?.Single(b => b.Bound == bucket.Bound).Count ?? 0)).ToList()));
    }

    private static bool SameCounts(Dictionary<string, List<(double Bound, long Count)>> a, Dictionary<string, List<(double Bound, long Count)>> b) =>
        Modules.All(m => a.GetValueOrDefault(m)?[^1].Count == b.GetValueOrDefault(m)?[^1].Count);

    private static async Task<Dictionary<string, List<(double Bound, long Count)>>> ReadAsync(HttpClient http)
    {
        var text = await (await http.GetAsync("/metrics")).Content.ReadAsStringAsync();
        return BucketLine().Matches(text)
            .Select(m => (Module: m.Groups["module"].Value, Bound: m.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups["le"].Value, CultureInfo.InvariantCulture), Count: long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture)))
            .GroupBy(b => b.Module)
            .ToDictionary(g => g.Key, g => g.Select(b => (b.Bound, b.Count)).OrderBy(b => b.Bound).ToList());
    }

    [GeneratedRegex("""bank_query_model_lag_seconds_bucket\{[^}]*module="(?<module>\w+)"[^}]*le="(?<le>[^"]+)"\} (?<count>\d+)""")]
    private static partial Regex BucketLine();

    /// <summary>Cumulative bucket counts (upper bound in seconds, events at or below it).</summary>
    public sealed class Distribution(List<(double Bound, long Count)> buckets)
    {
        public long Count => buckets[^1].Count;

        /// <summary>The upper bound of the highest bucket holding any event, in milliseconds.</summary>
        public double MaxBound => buckets.First(b => b.Count == Count).Bound * 1000;

        /// <summary>The <paramref name="quantile"/> in milliseconds, interpolated within its bucket as Prometheus' histogram_quantile does.</summary>
        public double Percentile(double quantile)
        {
            if (Count == 0)
            {
                return double.NaN;
            }

            var rank = quantile * Count;
            double lowerBound = 0;
            long lowerCount = 0;
            foreach (var (bound, count) in buckets)
            {
                if (count >= rank)
                {
                    return double.IsPositiveInfinity(bound)
                        ? lowerBound * 1000
                        : (lowerBound + ((bound - lowerBound) * (rank - lowerCount) / Math.Max(1, count - lowerCount))) * 1000;
                }

                (lowerBound, lowerCount) = (bound, count);
            }

            return lowerBound * 1000;
        }
    }
}
