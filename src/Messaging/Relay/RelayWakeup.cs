using System.Threading.Channels;
using Bank.BuildingBlocks.Notifications;
using JasperFx.Events.Daemon.HighWater;

namespace Bank.Messaging.Relay;

/// <summary>
/// Wakes the relay's daemon when events are appended (<see cref="EventAppends"/>), but not more often than every
/// <see cref="MinimumInterval"/>. Woken by every single append, the daemon would hand the relay a range of one or two
/// events each time, and each range pays a fixed cost (high-water query, load, Kafka flush and acknowledgement,
/// progress): under load the ranges would queue up faster than they are relayed. Spaced out, each pass takes everything
/// committed meanwhile; after a quiet spell the first append still wakes it at once.
/// </summary>
internal sealed class RelayWakeup(TimeProvider clock) : IDaemonWakeup, IChannelListener
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(10);

    private readonly Channel<bool> _woken = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _lastPass;

    public string Channel => EventAppends.Channel;

    public void Heard(string payload) => _woken.Writer.TryWrite(true);

    // Appends made while nothing listened went unheard: the daemon looks once for them all.
    public void Listening() => _woken.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(token))
        {
            waiting.CancelAfter(timeout);
            try
            {
                await _woken.Reader.ReadAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                // Not woken within the timeout: the daemon looks all the same.
            }
        }

        var sinceLastPass = clock.GetElapsedTime(_lastPass);
        if (sinceLastPass < MinimumInterval)
        {
            await Task.Delay(MinimumInterval - sinceLastPass, clock, token);
        }

        _lastPass = clock.GetTimestamp();
    }

    // The daemon disposes its wakeup; the listening connection is the host's, not this one's.
    public void Dispose()
    {
    }
}
