namespace Bank.Messaging.Relay;

/// <summary>A transport that cannot lose what it was given, or that nothing could refill (in memory).</summary>
internal sealed class NoBrokerLossRefill : IBrokerLossRefill
{
    public Task RefillIfLostAsync(IQuerySession session, long relayedUpTo, bool idle, CancellationToken cancellationToken) => Task.CompletedTask;
}
