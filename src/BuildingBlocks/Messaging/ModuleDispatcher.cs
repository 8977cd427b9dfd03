using System.Collections.Concurrent;
using System.Collections.Frozen;
using Bank.BuildingBlocks.Projections;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Transports;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.BuildingBlocks.Messaging;

/// <summary>Where a Kafka message came from; consumers read it with <c>context.GetKafkaMessageInfo()</c>.</summary>
public sealed record KafkaMessageInfo(string Topic, int Partition, long Offset, string? Key);

/// <summary>One <see cref="ModuleDispatcher"/> per module, built on first use.</summary>
public sealed class ModuleDispatchers(ModuleConsumerRegistry registry, IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Lazy<ModuleDispatcher>> _dispatchers = new(StringComparer.Ordinal);

    public ModuleDispatcher Get(string module) =>
        _dispatchers.GetOrAdd(module, name => new Lazy<ModuleDispatcher>(() => new ModuleDispatcher(
            name,
            registry.ConsumersOf(name),
            services.GetRequiredService<IBusRegistrationContext>(),
            services.GetRequiredService<IBusInstance>().HostConfiguration,
            services.GetRequiredService<IServiceScopeFactory>()))).Value;
}

/// <summary>
/// Runs one module's consumers for a message received from Kafka through MassTransit's consume
/// pipeline, without a MassTransit transport: consumer middleware (retries) and scoped services apply,
/// and the consumer's exception is rethrown once its retries are spent. Built from the same public
/// parts as MassTransit's own receive endpoint dispatcher, with one module's consumers instead of all.
/// Messages are dispatched in batches (<see cref="BeginBatch"/>) that share one service scope.
/// </summary>
public sealed class ModuleDispatcher
{
    private readonly IReceiveEndpointDispatcher _dispatcher;
    private readonly FrozenDictionary<Type, string> _messageUrns;
    private readonly IServiceScopeFactory _scopes;

    internal ModuleDispatcher(
        string module,
        IReadOnlyList<ModuleConsumer> consumers,
        IBusRegistrationContext registration,
        IHostConfiguration host,
        IServiceScopeFactory scopes)
    {
        if (consumers.Count == 0)
        {
            throw new InvalidOperationException($"Module '{module}' has no consumers.");
        }

        Module = module;
        _scopes = scopes;
        _messageUrns = consumers.SelectMany(c => c.MessageTypes).Distinct().ToFrozenDictionary(t => t, MessageUrn.ForTypeString);

        var name = $"kafka-{module}";
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

        configuration.Validate().ThrowIfContainsFailure($"The Kafka dispatcher of module '{module}' is misconfigured:");
        _dispatcher = new ReceiveEndpointDispatcher(configuration.CreateReceiveEndpointContext());
    }

    public string Module { get; }

    public IEnumerable<Type> MessageTypes => _messageUrns.Keys;

    public bool Consumes(Type messageType) => _messageUrns.ContainsKey(messageType);

    /// <summary>
    /// Starts a batch of messages of the streams <paramref name="streamIds"/>: their consumers share one
    /// service scope, so their query-model changes are written together by <see cref="ModuleBatch.SaveAsync"/>.
    /// </summary>
    public ModuleBatch BeginBatch(IEnumerable<Guid> streamIds)
    {
        var scope = _scopes.CreateAsyncScope();
        var queryModels = scope.ServiceProvider.GetRequiredService<QueryModelBatch>();
        queryModels.Expect(streamIds);
        return new ModuleBatch(this, scope, queryModels);
    }

    /// <summary>
    /// Runs the module's consumers of <paramref name="messageType"/> in <paramref name="scope"/> and completes
    /// when they have; throws what they threw. <paramref name="info"/> is null when the message did not come
    /// over Kafka (a replay from the event store).
    /// </summary>
    internal Task DispatchAsync(
        IServiceScope scope,
        Type messageType,
        byte[] json,
        IReadOnlyDictionary<string, object> headers,
        Guid messageId,
        KafkaMessageInfo? info,
        CancellationToken cancellationToken)
    {
        if (!_messageUrns.TryGetValue(messageType, out var urn))
        {
            throw new ArgumentException($"Module '{Module}' does not consume {messageType}.", nameof(messageType));
        }

        var transportHeaders = new Dictionary<string, object>(headers, StringComparer.OrdinalIgnoreCase)
        {
            [MessageHeaders.MessageId] = messageId.ToString(),
            [MessageHeaders.ContentType] = "application/json",
            [MessageHeaders.MessageType] = urn,
        };
        // MassTransit runs the consumers in a service scope found among the payloads instead of creating one.
        return info is null
            ? _dispatcher.Dispatch(json, transportHeaders, cancellationToken, scope)
            : _dispatcher.Dispatch(json, transportHeaders, cancellationToken, scope, info);
    }
}

/// <summary>
/// Messages of one module dispatched together: one service scope, so one <see cref="QueryModelBatch"/>
/// whose changes <see cref="SaveAsync"/> writes in one transaction.
/// </summary>
public sealed class ModuleBatch : IAsyncDisposable
{
    private readonly ModuleDispatcher _dispatcher;
    private readonly AsyncServiceScope _scope;
    private readonly QueryModelBatch _queryModels;

    internal ModuleBatch(ModuleDispatcher dispatcher, AsyncServiceScope scope, QueryModelBatch queryModels)
    {
        _dispatcher = dispatcher;
        _scope = scope;
        _queryModels = queryModels;
    }

    /// <summary>Runs the module's consumers of <paramref name="messageType"/>; throws what they threw once their retries are spent.</summary>
    public Task DispatchAsync(
        Type messageType, byte[] json, IReadOnlyDictionary<string, object> headers, Guid messageId, KafkaMessageInfo? info, CancellationToken cancellationToken) =>
        _dispatcher.DispatchAsync(_scope, messageType, json, headers, messageId, info, cancellationToken);

    /// <summary>Writes the query-model changes of every message dispatched so far, in one transaction.</summary>
    public Task SaveAsync(CancellationToken cancellationToken) => _queryModels.SaveAsync(cancellationToken);

    public ValueTask DisposeAsync() => _scope.DisposeAsync();
}
