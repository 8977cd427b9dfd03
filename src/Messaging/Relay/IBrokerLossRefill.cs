namespace Bank.Messaging.Relay;

/// <summary>
/// Sends again what a broker lost (the embedded broker after a restart, say). Called only where the relay
/// runs, one call at a time with the relay's own passes (<see cref="RelayGate"/>): relay progress is never
/// moved, the missing events are simply published again before anything newer.
/// </summary>
internal interface IBrokerLossRefill
{
    /// <summary>
    /// Checks (at most every few seconds) whether the broker lost messages relayed up to <paramref name="relayedUpTo"/>,
    /// and sends them again if so, reading them through <paramref name="session"/>. An <paramref name="idle"/> look
    /// (no relay pass) is skipped while the broker is known to be away: the next pass looks before it publishes.
    /// </summary>
    Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken);
}

/// <summary>A transport that cannot lose what it was given, or that nothing could refill (in memory).</summary>
internal sealed class NoBrokerLossRefill : IBrokerLossRefill
{
    public Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>One relay pass or refill at a time in this instance.</summary>
internal sealed class RelayGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Exit(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Exit(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
