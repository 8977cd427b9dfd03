using System.Collections.Concurrent;
using Bank.Messaging.Operations;

namespace Bank.Host.OperatorConsole;

/// <summary>
/// Each consumer group's lag, in events and in time, every two seconds over the last 15 minutes, kept in memory, so
/// that the console draws its charts as soon as it opens.
/// </summary>
internal sealed class LagHistory(MessagingStatus messaging, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Kept = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<LagPoint>> _points = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, IReadOnlyList<LagPoint>> Points =>
        _points.ToDictionary(group => group.Key, group => (IReadOnlyList<LagPoint>)[.. group.Value], StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Sample()
    {
        var now = clock.GetUtcNow();
        foreach (var group in messaging.Partitions().GroupBy(p => p.Group))
        {
            var points = _points.GetOrAdd(group.Key, _ => new ConcurrentQueue<LagPoint>());
            points.Enqueue(new LagPoint(now, group.Sum(p => p.Lag), group.Max(p => p.LagTime).TotalSeconds));
            while (points.TryPeek(out var oldest) && now - oldest.At > Kept)
            {
                points.TryDequeue(out _);
            }
        }
    }

    /// <summary>A group's lag at one moment: the events waiting on all its partitions, and the longest any waited.</summary>
    public sealed record LagPoint(DateTimeOffset At, long LagEvents, double LagSeconds);
}
