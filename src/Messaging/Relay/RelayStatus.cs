namespace Bank.Messaging.Relay;

/// <summary>What the relay last did, for health checks and operators.</summary>
internal sealed class RelayStatus(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private long _lastRelayedPosition;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastError;
    private (DateTimeOffset At, string Reason)? _stopped;

    public long LastRelayedPosition
    {
        get
        {
            lock (_lock)
            {
                return _lastRelayedPosition;
            }
        }
    }

    /// <summary>The last error, while the relay has not succeeded since it.</summary>
    public (DateTimeOffset At, string Error)? CurrentFailure
    {
        get
        {
            lock (_lock)
            {
                return _lastFailureAt is { } at ? (at, _lastError!) : null;
            }
        }
    }

    /// <summary>When and why this instance's relay stopped, while it has not run again since.</summary>
    public (DateTimeOffset At, string Reason)? CurrentStop
    {
        get
        {
            lock (_lock)
            {
                return _stopped;
            }
        }
    }

    public void Relayed(long position)
    {
        lock (_lock)
        {
            _lastRelayedPosition = Math.Max(_lastRelayedPosition, position);
            _lastFailureAt = null;
            _lastError = null;
        }
    }

    public void Failed(Exception error)
    {
        lock (_lock)
        {
            _lastFailureAt ??= clock.GetUtcNow();
            _lastError = error.Message;
        }
    }

    public void Stopped(string reason)
    {
        lock (_lock)
        {
            _stopped = (_stopped?.At ?? clock.GetUtcNow(), reason);
        }
    }

    public void Running()
    {
        lock (_lock)
        {
            _stopped = null;
        }
    }
}
