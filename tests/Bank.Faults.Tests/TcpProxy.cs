using System.Net;
using System.Net.Sockets;

using Bank.Testing;

namespace Bank.Faults.Tests;

/// <summary>
/// A loopback TCP proxy that can be cut (every connection dropped, new ones refused) and restored: a database that goes
/// away; or hung (connections accepted and kept, nothing forwarded) and resumed: a database that stops answering.
/// </summary>
public sealed class TcpProxy : IDisposable
{
    private readonly int _targetPort;
    private readonly ConcurrentSet _connections = new();
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();
    private volatile TaskCompletionSource _flowing = Flowing();

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        Port = HostProcess.FreePort();
        Restore();
    }

    public int Port { get; }

    public void Cut()
    {
        _running.Cancel();
        _listener?.Stop();
        _listener?.Dispose();
        _listener = null;
        _connections.CloseAll();
    }

    /// <summary>Keeps every connection open, and accepts new ones, but forwards nothing until <see cref="Resume"/>.</summary>
    public void Hang() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => _flowing.TrySetResult();

    public void Restore()
    {
        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _running.Token);
    }

    public void Dispose()
    {
        Cut();
        _running.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var target = new TcpClient();
        _connections.Add(client);
        _connections.Add(target);
        try
        {
            await _flowing.Task.WaitAsync(cancellationToken);
            await target.ConnectAsync(IPAddress.Loopback, _targetPort, cancellationToken);
            await Task.WhenAny(
                PumpAsync(client.GetStream(), target.GetStream(), cancellationToken),
                PumpAsync(target.GetStream(), client.GetStream(), cancellationToken));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, or closed by either side.
        }
        finally
        {
            _connections.Remove(client);
            _connections.Remove(target);
            client.Dispose();
        }
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await _flowing.Task.WaitAsync(cancellationToken);
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private sealed class ConcurrentSet
    {
        private readonly HashSet<TcpClient> _items = [];

        public void Add(TcpClient client)
        {
            lock (_items)
            {
                _items.Add(client);
            }
        }

        public void Remove(TcpClient client)
        {
            lock (_items)
            {
                _items.Remove(client);
            }
        }

        public void CloseAll()
        {
            lock (_items)
            {
                foreach (var client in _items)
                {
                    client.Client.Close(0);
                }

                _items.Clear();
            }
        }
    }
}
