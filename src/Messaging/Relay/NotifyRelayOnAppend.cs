using Marten;
using Marten.Services;

namespace Bank.Messaging.Relay;

/// <summary>
/// Tells <see cref="AppendNotifier"/> when a unit of work that appended events has committed.
/// </summary>
internal sealed class NotifyRelayOnAppend(AppendNotifier notifier) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetStreams().Any())
        {
            notifier.EventsAppended();
        }

        return Task.CompletedTask;
    }
}
