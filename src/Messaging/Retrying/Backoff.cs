namespace Bank.Messaging.Retrying;

/// <summary>
/// The wait between attempts at something that keeps failing (a database or a broker away): 200 ms at first, twice as
/// long each time, up to <paramref name="longest"/>. One per retry loop.
/// </summary>
internal sealed class Backoff(TimeSpan longest)
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the next wait lasts.</summary>
    public TimeSpan Next { get; private set; } = First;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Next, cancellationToken);
        Next = TimeSpan.FromTicks(Math.Min(Next.Ticks * 2, longest.Ticks));
    }
}
