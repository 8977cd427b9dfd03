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
