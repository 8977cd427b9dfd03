using Bank.BuildingBlocks.Notifications;

namespace Bank.Messaging.Kafka.Consuming;

/// <summary>
/// Counts the notifications that events were appended (<see cref="EventAppends"/>), whichever instance appended them, so
/// that an idle consumer group member can stop fetching and start again as soon as events are on their way to Kafka.
/// </summary>
internal sealed class AppendSignal : IChannelListener
{
    private long _count;

    /// <summary>Raised after <see cref="Count"/> grew.</summary>
    public event Action? Heard;

    public string Channel => EventAppends.Channel;

    /// <summary>Grows with every notification heard: a member compares it with what it saw before.</summary>
    public long Count => Interlocked.Read(ref _count);

    void IChannelListener.Heard(string payload) => Hear();

    // Appends made while nothing listened went unheard: one for them all.
    public void Listening() => Hear();

    private void Hear()
    {
        Interlocked.Increment(ref _count);
        Heard?.Invoke();
    }
}
