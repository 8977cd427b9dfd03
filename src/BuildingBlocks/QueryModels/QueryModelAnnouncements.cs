using Bank.BuildingBlocks.Notifications;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// Tells every instance which views a batch wrote, once the batch has committed (<see cref="DatabaseNotifier"/>). A
/// notification lost in a crash only makes a waiting query read again when its wait runs out.
/// </summary>
public sealed class QueryModelAnnouncements(DatabaseNotifier notifier)
{
    // PostgreSQL limits a notification's payload to 8,000 bytes; a view is about 50.
    private const int ViewsPerNotification = 100;

    /// <summary>Sends the notifications of views that were just committed.</summary>
    internal void Announce(IEnumerable<(string View, Guid Id)> views)
    {
        foreach (var chunk in views.Chunk(ViewsPerNotification))
        {
            notifier.Notify(QueryModelChanges.Channel, string.Join(';', chunk.Select(v => $"{v.View}:{v.Id:N}")));
        }
    }
}
