using Bank.BuildingBlocks.Notifications;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Counts the notifications that events were appended (<see cref="EventAppends"/>), whichever instance appended them, so
/// that an idle consumer group member can stop fetching and start again as soon as events are on their way to Kafka.
/// </summary>
internal sealed class AppendSignal : IChannelListener
{
    private readonly object _heard = new();
    private long _count;

    public string Channel => EventAppends.Channel;

    /// <summary>Grows with every notification heard: a member compares it with what it saw before.</summary>
    public long Count => Interlocked.Read(ref _count);

    void IChannelListener.Heard(string payload) => Hear();

    // Appends made while nothing listened went unheard: one for them all.
    public void Listening() => Hear();

    /// <summary>
    /// Waits up to <paramref name="timeout"/> while <see cref="Count"/> is still <paramref name="seen"/>. A stop ends the
    /// wait as an append does.
    /// </summary>
    public void WaitBeyond(long seen, TimeSpan timeout, CancellationToken stopping)
    {
        using var stop = stopping.Register(WakeWaiters);
        lock (_heard)
        {
            if (Count == seen && !stopping.IsCancellationRequested)
            {
                Monitor.Wait(_heard, timeout);
            }
        }
    }

    private void Hear()
    {
        Interlocked.Increment(ref _count);
        WakeWaiters();
    }

    private void WakeWaiters()
    {
        lock (_heard)
        {
            Monitor.PulseAll(_heard);
        }
    }
}
