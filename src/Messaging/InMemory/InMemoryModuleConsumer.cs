using Bank.Messaging.Dispatch;
using Bank.Messaging.Retrying;

namespace Bank.Messaging.InMemory;

/// <summary>
/// One module's reader of its in-memory queue: takes what has arrived, up to a batch, and hands it to the
/// module's event handler. A batch whose query models could not be written is handled again. An event whose
/// consumers keep failing parks its stream until the host stops: it and the stream's later events are logged and
/// dropped, never applied out of order (nothing of the in-memory transport outlives the process).
/// </summary>
internal sealed class InMemoryModuleConsumer(
    string module, InMemoryEventBroadcaster broadcaster, ModuleEventHandlers handlers, ILogger<InMemoryModuleConsumer> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly HashSet<Guid> _parkedStreams = [];

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
        var backoff = new Backoff(MaxBackoff);
        while (true)
        {
            try
            {
                var handled = await handler.HandleAsync(batch.Where(e => !_parkedStreams.Contains(e.StreamId)).ToList(), stoppingToken);

                // Parked only once the batch is written: a batch handled again must not find its streams parked already.
                _parkedStreams.UnionWith(handled.Failed.Select(f => f.Event.StreamId));
                var failed = handled.Failed.Select(f => f.Event);
                foreach (var dropped in batch.Except(handled.Finished).Except(failed).Where(e => _parkedStreams.Contains(e.StreamId)))
                {
                    logger.LogError(
                        "Module {Module} drops {Type} of stream {StreamId} at version {Version}: the stream is parked behind an event that failed",
                        module,
                        dropped.Type.Name,
                        dropped.StreamId,
                        dropped.Metadata.StreamVersion);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Module {Module} could not write the query models of a batch of {Count}; it is handled again", module, batch.Count);
                await backoff.WaitAsync(stoppingToken);
            }
        }
    }
}
