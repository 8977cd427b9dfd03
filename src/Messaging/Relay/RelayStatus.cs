namespace Bank.Messaging.Relay;

/// <summary>What the relay last did, for health checks and operators.</summary>
internal sealed class RelayStatus(TimeProvider clock)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastFailureAt;
    private string? _lastError;
    private (DateTimeOffset At, string Reason)? _stopped;
    private long? _refilled;
    private bool? _relaysHere;

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

    /// <summary>Whether this instance holds the relay (one instance at a time does), as last looked at; null before the first look.</summary>
    public bool? RelaysHere
    {
        get
        {
            lock (_lock)
            {
                return _relaysHere;
            }
        }
    }

    public void Holding(bool relaysHere)
    {
        lock (_lock)
        {
            _relaysHere = relaysHere;
        }
    }

    /// <summary>How many events a refill after a broker loss has sent again so far, while it runs.</summary>
    public long? CurrentRefill
    {
        get
        {
            lock (_lock)
            {
                return _refilled;
            }
        }
    }

    public void Refilling(long sent)
    {
        lock (_lock)
        {
            _refilled = sent;
        }
    }

    public void Refilled()
    {
        lock (_lock)
        {
            _refilled = null;
        }
    }

    public void Relayed()
    {
        lock (_lock)
        {
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
