using Bank.BuildingBlocks.Notifications;
using Marten.Services;

namespace Bank.Messaging.Relay;

/// <summary>
/// Notifies every instance (<see cref="EventAppends"/>) when a unit of work that appended events has committed: the
/// relay wakes, whichever instance runs it.
/// </summary>
internal sealed class NotifyRelayOnAppend(DatabaseNotifier notifier) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetStreams().Any())
        {
            notifier.Notify(EventAppends.Channel);
        }

        return Task.CompletedTask;
    }
}
