using Bank.BuildingBlocks.Notifications;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>
/// Hears which views batches wrote, across instances, on <see cref="Channel"/> (sent by <see cref="QueryModelAnnouncements"/>),
/// and hands it to <see cref="QueryModelWaits"/>.
/// </summary>
internal sealed class QueryModelChanges(QueryModelWaits waits) : IChannelListener
{
    public const string Channel = "bank_query_models";

    string IChannelListener.Channel => Channel;

    public void Heard(string payload)
    {
        foreach (var entry in payload.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = entry.LastIndexOf(':');
            if (separator > 0 && Guid.TryParseExact(entry.AsSpan(separator + 1), "N", out var id))
            {
                waits.Changed(entry[..separator], id);
            }
        }
    }

    public void Listening() => waits.AllMayHaveChanged();
}
