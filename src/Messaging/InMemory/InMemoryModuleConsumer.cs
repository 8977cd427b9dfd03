using Bank.Messaging.Dispatch;
using Bank.Messaging.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bank.Messaging.InMemory;

/// <summary>
/// One module's reader of its in-memory queue: takes what has arrived, up to a batch, and hands it to the
/// module's event handler. A batch whose query models could not be written is handled again; an event
/// whose consumers keep failing is logged by the handler and passed over (there is no dead-letter topic in memory).
/// </summary>
internal sealed class InMemoryModuleConsumer(
    string module, InMemoryEventBroadcaster broadcaster, ModuleEventHandlers handlers, ILogger<InMemoryModuleConsumer> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = broadcaster.QueueOf(module);
        var handler = handlers.Get(module);
        var batch = new List<ReceivedEvent>(MaxBatch);
        try
        {
            while (await queue.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await HandleUntilWrittenAsync(handler, batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is lost with the process, as with any in-memory transport.
        }
    }

    private async Task HandleUntilWrittenAsync(ModuleEventHandler handler, List<ReceivedEvent> batch, CancellationToken stoppingToken)
    {
        for (var backoff = TimeSpan.FromMilliseconds(200); ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks)))
        {
            try
            {
                await handler.HandleAsync(batch, static (_, _, _) => Task.FromResult(true), stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Module {Module} could not write the query models of a batch of {Count}; it is handled again", module, batch.Count);
                await Task.Delay(backoff, stoppingToken);
            }
        }
    }
}
