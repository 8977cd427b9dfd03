using Bank.Messaging.Retrying;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten.Services;
using Marten.Subscriptions;

namespace Bank.Messaging.Relay;

/// <summary>
/// Broadcasts every committed event, in global order, a page at a time. Run by Marten's async
/// daemon, which stores how far it got only after this returns: the event store is the outbox,
/// so a crash between commit and publish loses nothing (delivery is at least once). A page that
/// the transport does not acknowledge is retried, whole and in order, until it is.
/// </summary>
internal sealed class EventRelay : SubscriptionBase
{

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly IEventBroadcaster _broadcaster;
    private readonly IBrokerLossRefill _refill;
    private readonly RelayGate _gate;
    private readonly EventTypeRegistry _eventTypes;
    private readonly RelayStatus _status;
    private readonly ILogger<EventRelay> _logger;

    public EventRelay(
        IEventBroadcaster broadcaster, IBrokerLossRefill refill, RelayGate gate, EventTypeRegistry eventTypes, RelayStatus status, ILogger<EventRelay> logger)
    {
        _broadcaster = broadcaster;
        _refill = refill;
        _gate = gate;
        _eventTypes = eventTypes;
        _status = status;
        _logger = logger;
        Name = RelayProgress.SubscriptionName;
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        var events = ToBroadcast(page.Events);
        using var pass = await _gate.EnterAsync(cancellationToken);
        var backoff = new Backoff(MaxBackoff);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // What a broker lost is sent again before anything newer, to keep each key's order.
                await _refill.RefillIfLostAsync(operations, page.SequenceFloor, idle: false, cancellationToken);
                var kept = await _broadcaster.PublishAsync(events, cancellationToken);
                operations.StoreObjects(kept);
                _status.Relayed();
                if (attempt > 1)
                {
                    _logger.LogInformation("Relayed events up to position {Position} after {Attempts} attempts", page.SequenceCeiling, attempt);
                }

                return NullChangeListener.Instance;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _status.Failed(e);
                _logger.LogWarning(
                    e,
                    "Could not relay events {From}..{To} (attempt {Attempt}); retrying in {Backoff} ms",
                    page.SequenceFloor,
                    page.SequenceCeiling,
                    attempt,
                    backoff.Next.TotalMilliseconds);
                await backoff.WaitAsync(cancellationToken);
            }
        }
    }

    // Marten's own bookkeeping events (such as tombstones) are not part of the contract.
    private List<BroadcastEvent> ToBroadcast(IReadOnlyList<IEvent> events) =>
        events.Select(e => BroadcastEvent.From(e, _eventTypes)).OfType<BroadcastEvent>().ToList();

    private sealed class NullChangeListener : IChangeListener
    {
        public static readonly NullChangeListener Instance = new();

        public Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;

        public Task BeforeCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token) => Task.CompletedTask;
    }
}
