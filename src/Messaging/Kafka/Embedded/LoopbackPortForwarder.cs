using System.Net;
using System.Net.Sockets;

namespace Bank.Messaging.Kafka.Embedded;

/// <summary>
/// Forwards a fixed loopback port to the embedded broker's ephemeral one, so that a standalone
/// broker keeps its address across restarts and clients reconnect by themselves.
/// </summary>
internal sealed class LoopbackPortForwarder : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();

    public LoopbackPortForwarder(int port, int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var target = new TcpClient())
        {
            try
            {
                client.NoDelay = true;
                target.NoDelay = true;
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
                var inbound = client.GetStream();
                var outbound = target.GetStream();
                // Whichever side closes first ends both directions.
                await Task.WhenAny(
                    inbound.CopyToAsync(outbound, _stopping.Token),
                    outbound.CopyToAsync(inbound, _stopping.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection that breaks is the client's to retry, as with any broker.
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        _listener.Dispose();
        _stopping.Dispose();
    }
}
