using System.Collections.Frozen;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.QueryModels;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Transports;

namespace Bank.Messaging.Dispatch;

/// <summary>
/// The one way events enter a module: a batch at a time, in order, through MassTransit's consume pipeline
/// to the module's consumers (their retry policies apply), all in one service scope, so that the batch's
/// query-model changes are written in one transaction at the end. Kafka, the in-memory transport, replays
/// and the module tests all come through here: no caller can forget to save.
/// </summary>
internal sealed class ModuleEventHandler
{
    private readonly IReceiveEndpointDispatcher _dispatcher;
    private readonly FrozenDictionary<Type, string> _messageUrns;
    private readonly IServiceScopeFactory _scopes;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger _logger;

    public ModuleEventHandler(
        string module,
        IReadOnlyList<ModuleConsumer> consumers,
        IBusRegistrationContext registration,
        IHostConfiguration host,
        IServiceScopeFactory scopes,
        MessagingMetrics metrics,
        ILogger logger)
    {
        if (consumers.Count == 0)
        {
            throw new InvalidOperationException($"Module '{module}' has no consumers.");
        }

        Module = module;
        _scopes = scopes;
        _metrics = metrics;
        _logger = logger;
        _messageUrns = consumers.SelectMany(c => c.MessageTypes).Distinct().ToFrozenDictionary(t => t, MessageUrn.ForTypeString);
        _dispatcher = CreateDispatcher(module, consumers, registration, host);
    }

    public string Module { get; }

    public IEnumerable<Type> EventTypes => _messageUrns.Keys;

    public bool Consumes(Type eventType) => _messageUrns.ContainsKey(eventType);

    /// <summary>
    /// Runs the module's consumers for each event in order and writes the query-model changes of those that
    /// finished (also when <paramref name="cancellationToken"/> stops the batch half way). An event of a type the
    /// module does not consume is finished as it is. An event whose consumers still fail after their retries is
    /// returned as failed, with what its consumer threw; the later events of its stream in the batch stay
    /// unfinished, to keep their order. What becomes of a failed event (parked, say) is the caller's business.
    /// Throws when the changes could not be written, or a consumer failed because the database is away: then
    /// nothing of the batch is finished.
    /// </summary>
    public async Task<HandledBatch> HandleAsync(IReadOnlyList<ReceivedEvent> events, CancellationToken cancellationToken)
    {
        var finished = new List<ReceivedEvent>(events.Count);
        var failed = new List<FailedEvent>();
        if (events.Count == 0)
        {
            return new HandledBatch(finished, failed);
        }

        await using var scope = _scopes.CreateAsyncScope();
        var queryModels = scope.ServiceProvider.GetRequiredService<QueryModelBatch>();
        queryModels.Expect(events.Select(e => e.StreamId));
        var waiting = new HashSet<Guid>();
        var moved = new List<ReceivedEvent>(events.Count);
        try
        {
            foreach (var e in events)
            {
                if (waiting.Contains(e.StreamId))
                {
                    continue;
                }

                if (await TryHandleAsync(scope, queryModels, e, cancellationToken) is { } error)
                {
                    if (DatabaseFailures.IsUnavailable(error))
                    {
                        // No fault of the event, which must not be set aside for it: the whole batch is handled again.
                        ExceptionDispatchInfo.Throw(error);
                    }

                    failed.Add(new FailedEvent(e, error));
                    waiting.Add(e.StreamId);
                    continue;
                }

                if (queryModels.EventMovedAView)
                {
                    moved.Add(e);
                }

                finished.Add(e);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what finished is written all the same (not the event cut short), so that only the rest is delivered again.
            queryModels.UndoEvent();
        }

        await queryModels.SaveAsync(CancellationToken.None);
        // Lag is what readers wait for: events sent again that moved nothing (after a broker loss, say) are not counted.
        var written = DateTimeOffset.UtcNow;
        foreach (var e in moved)
        {
            _metrics.QueryModelsWritten(Module, written - e.Metadata.Timestamp);
        }

        return new HandledBatch(finished, failed);
    }

    /// <summary>Null once the event's consumers have handled it; otherwise what the failing one threw.</summary>
    private async Task<Exception?> TryHandleAsync(IServiceScope scope, QueryModelBatch queryModels, ReceivedEvent e, CancellationToken cancellationToken)
    {
        queryModels.BeginEvent();
        if (!_messageUrns.TryGetValue(e.Type.ClrType, out var urn))
        {
            return null;
        }

        var headers = new Dictionary<string, object>(3, StringComparer.OrdinalIgnoreCase)
        {
            [MessageHeaders.MessageId] = e.Metadata.EventId.ToString(),
            [MessageHeaders.ContentType] = "application/json",
            [MessageHeaders.MessageType] = urn,
        };
        using var span = MessagingTelemetry.StartSpan($"{Module} consume {e.Type.Name}", ActivityKind.Consumer, e.TraceParent);
        span?.SetTag("bank.module", Module).SetTag("bank.stream_id", e.StreamId).SetTag("bank.stream_version", e.Metadata.StreamVersion);
        try
        {
            // MassTransit runs the consumers in the service scope found among the payloads instead of creating one.
            await (e.Source is null
                ? _dispatcher.Dispatch(e.Json, headers, cancellationToken, scope, e.Metadata)
                : _dispatcher.Dispatch(e.Json, headers, cancellationToken, scope, e.Metadata, e.Source));
            return null;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Each consumer retries on its own: the others may have applied the event already.
            queryModels.UndoEvent();
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            _logger.LogError(
                error,
                "Module {Module} failed on {Type} of stream {StreamId} at version {Version} after its retries",
                Module,
                e.Type.Name,
                e.StreamId,
                e.Metadata.StreamVersion);
            // MassTransit wraps what a consumer threw; the consumer's own exception says what went wrong.
            return error is ConsumerException { InnerException: { } thrown } ? thrown : error;
        }
    }

    /// <summary>
    /// A receive endpoint's pipeline without a transport, holding this module's consumers only: built from the
    /// same public parts as MassTransit's own dispatcher factory, which would hold every module's consumers.
    /// </summary>
    private static ReceiveEndpointDispatcher CreateDispatcher(
        string module, IReadOnlyList<ModuleConsumer> consumers, IBusRegistrationContext registration, IHostConfiguration host)
    {
        var name = $"module-{module}";
        var configuration = host.CreateReceiveEndpointConfiguration(name);
        var endpoint = (IReceiveEndpointConfigurator)configuration;
        endpoint.ThrowOnSkippedMessages();
        endpoint.RethrowFaultedMessages();
        endpoint.PublishFaults = false;
        endpoint.ConfigureConsumeTopology = false;
        // Raw JSON routed by the MT-MessageType header. Not AnyMessageType: with it, every consumer of
        // the endpoint would receive the body deserialized as its own message type.
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.CopyHeaders, isDefault: true);
        registration.GetConfigureReceiveEndpoints().Configure(name, endpoint);
        foreach (var consumer in consumers)
        {
            endpoint.ConfigureConsumer(registration, consumer.ConsumerType);
        }

        configuration.Validate().ThrowIfContainsFailure($"The event handler of module '{module}' is misconfigured:");
        return new ReceiveEndpointDispatcher(configuration.CreateReceiveEndpointContext());
    }
}
