using System.Diagnostics.Metrics;

namespace Bank.Messaging.Tests;

/// <summary>Sums what every host in this process adds to one counter while it listens.</summary>
internal sealed class CounterListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterListener(string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
