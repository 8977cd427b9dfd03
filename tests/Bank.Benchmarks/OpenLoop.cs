using System.Diagnostics;

namespace Bank.Benchmarks;

internal static class OpenLoop
{
    /// <summary>
    /// Starts <paramref name="count"/> operations at <paramref name="rate"/> a second, each on schedule whatever the earlier
    /// ones are doing, and waits for them all; returns the rate offered, as run.
    /// </summary>
    public static async Task<double> RunAsync(int rate, int count, Func<int, Task> operation)
    {
        var watch = Stopwatch.StartNew();
        var running = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            // Read the clock once: a second reading could make the wait exactly -1 ms, which Task.Delay takes as forever.
            var wait = TimeSpan.FromSeconds((double)i / rate) - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            running.Add(operation(i));
        }

        await Task.WhenAll(running);
        return count / watch.Elapsed.TotalSeconds;
    }
}
