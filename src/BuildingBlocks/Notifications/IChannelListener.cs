namespace Bank.BuildingBlocks.Notifications;

/// <summary>Something in this host that wants the notifications of one PostgreSQL channel, from whichever instance.</summary>
public interface IChannelListener
{
    string Channel { get; }

    /// <summary>A notification arrived, with its payload (empty for a bare wake-up). Called on the listening connection's thread: return fast.</summary>
    void Heard(string payload);

    /// <summary>Listening has (re)started: notifications sent while it was not may have been missed.</summary>
    void Listening();
}
