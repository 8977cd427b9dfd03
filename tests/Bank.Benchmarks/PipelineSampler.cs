using System.Globalization;
using System.Text.RegularExpressions;

namespace Bank.Benchmarks;

/// <summary>
/// Samples the host's <c>/metrics</c> four times a second during a stretch of load: the relay's backlog and each
/// group's consumer lag, to tell where events wait when the end-to-end lag grows.
/// </summary>
internal sealed partial class PipelineSampler
{
    private readonly List<(TimeSpan At, long RelayBacklog, long ConsumerLag)> _samples = [];

    public long MaxRelayBacklog => _samples.Count == 0 ? 0 : _samples.Max(s => s.RelayBacklog);

    public long MaxConsumerLag => _samples.Count == 0 ? 0 : _samples.Max(s => s.ConsumerLag);

    public static async Task<PipelineSampler> DuringAsync(HttpClient http, Func<Task> load)
    {
        var sampler = new PipelineSampler();
        using var stop = new CancellationTokenSource();
        var sampling = sampler.SampleAsync(http, stop.Token);
        try
        {
            await load();
        }
        finally
        {
            await stop.CancelAsync();
            await sampling;
        }

        return sampler;
    }

    /// <summary>The samples around the worst one, for the console.</summary>
    public string Worst()
    {
        if (_samples.Count == 0)
        {
            return "no samples";
        }

        var worst = _samples.MaxBy(s => s.RelayBacklog + s.ConsumerLag);
        return string.Join(", ", _samples
            .Where(s => (s.At - worst.At).Duration() <= TimeSpan.FromSeconds(2))
            .Select(s => $"{s.At.TotalSeconds:N1}s relay {s.RelayBacklog} consumers {s.ConsumerLag}"));
    }

    private async Task SampleAsync(HttpClient http, CancellationToken stop)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var text = await (await http.GetAsync("/metrics", stop)).Content.ReadAsStringAsync(stop);
                var relay = Backlog().Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
                var consumers = ConsumerLag().Matches(text).Sum(c => long.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture));
                _samples.Add((watch.Elapsed, relay, consumers));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Done.
        }
    }

    [GeneratedRegex(@"^bank_relay_backlog\{[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex Backlog();

    [GeneratedRegex(@"^bank_consumer_lag\{[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex ConsumerLag();
}
