using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Money;
using Bank.Customers.Contracts;
using Bank.Messaging.Dispatch;
using Bank.Messaging.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bank.Testing;

/// <summary>
/// One module's consumers behind the module event handler that production feeds from Kafka, writing their
/// query models to a real PostgreSQL database: events go in as the relay broadcasts them, documents come out.
/// </summary>
public sealed class ModuleHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TestDatabase _database;
    private readonly ModuleEventHandler _handler;
    private long _position;

    private ModuleHarness(ServiceProvider services, TestDatabase database, ModuleEventHandler handler)
    {
        _services = services;
        _database = database;
        _handler = handler;
    }

    public static async Task<ModuleHarness> StartAsync(
        Action<IServiceCollection, IConfiguration> addModule, Action<IBusRegistrationConfigurator> addConsumers)
    {
        var database = await TestDatabase.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["ExchangeRates:Rates:EUR"] = "1",
            ["ExchangeRates:Rates:USD"] = "1.08",
            ["ExchangeRates:Rates:CAD"] = "1.47",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddExchangeRates(configuration);
        services.AddEventStore(configuration);
        // Every module's events have stable names, whichever module is under test.
        services.AddEventTypes(CustomerEvents.AggregateType, CustomerEvents.TypeNames);
        services.AddEventTypes(AccountEvents.AggregateType, AccountEvents.TypeNames, AccountEvents.Upcasts);
        addModule(services, configuration);
        services.AddModuleEventHandlers(addConsumers);

        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var module = Assert.Single(provider.GetRequiredService<ModuleConsumerRegistry>().Modules);
        return new ModuleHarness(provider, database, provider.GetRequiredService<ModuleEventHandlers>().Get(module));
    }

    /// <summary>Delivers one event as the relay broadcasts it and returns once the module's query models are written; throws what a consumer threw.</summary>
    public Task PublishAsync<TEvent>(TEvent @event, long streamVersion)
        where TEvent : class =>
        PublishAsync([(@event, streamVersion)]);

    /// <summary>Delivers events together, as one batch of a consumer group, in the given order.</summary>
    public async Task PublishAsync(IEnumerable<(object Event, long StreamVersion)> events)
    {
        var eventTypes = _services.GetRequiredService<EventTypeRegistry>();
        var batch = events.Select(e =>
        {
            var position = Interlocked.Increment(ref _position);
            var type = eventTypes.Get(e.Event.GetType());
            return ReceivedEvent.From(new BroadcastEvent(
                type, e.Event, Guid.NewGuid(), StreamIdOf(e.Event, type), e.StreamVersion, position, DateTimeOffset.UtcNow.AddSeconds(position), TraceParent: null));
        }).ToList();

        if ((await _handler.HandleAsync(batch, CancellationToken.None)).Failed is [var failed, ..])
        {
            throw failed.Error;
        }
    }

    public async Task<T?> LoadAsync<T>(Guid id)
        where T : notnull
    {
        await using var session = _services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.LoadAsync<T>(id);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>The stream the event belongs to: every event names its aggregate's id (<c>AccountId</c> for an Account's events).</summary>
    private static Guid StreamIdOf(object e, RegisteredEventType type) =>
        e.GetType().GetProperty(type.AggregateType + "Id")?.GetValue(e) as Guid?
            ?? throw new InvalidOperationException($"{type.Name} names no {type.AggregateType}Id.");
}
