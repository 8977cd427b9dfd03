using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.Broadcasting;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Messaging;
using Bank.BuildingBlocks.Money;
using Bank.Customers.Contracts;
using Marten;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Testing;

/// <summary>
/// One module's consumers on MassTransit's in-memory test harness, writing their query models to a
/// real PostgreSQL database: events go in as the relay would publish them, documents come out.
/// </summary>
public sealed class ModuleHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly TestDatabase _database;
    private long _position;

    private ModuleHarness(ServiceProvider services, TestDatabase database)
    {
        _services = services;
        _database = database;
        Harness = services.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

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
        services.AddEventTypes(AccountEvents.AggregateType, AccountEvents.TypeNames);
        addModule(services, configuration);
        services.AddMassTransitTestHarness(bus =>
        {
            addConsumers(bus);
            bus.UsingInMemory((context, inMemory) => inMemory.ConfigureModuleEndpoints(context));
        });

        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new ModuleHarness(provider, database);
    }

    /// <summary>Publishes an event with the headers the relay gives it, and waits until the module's consumers handled it.</summary>
    public async Task PublishAsync<TEvent>(TEvent @event, long streamVersion)
        where TEvent : class
    {
        var eventId = Guid.NewGuid();
        var position = Interlocked.Increment(ref _position);
        var eventType = _services.GetRequiredService<EventTypeRegistry>().Get(typeof(TEvent));
        // The stream id is not among the headers; the consumers read it from the event itself.
        var broadcast = new BroadcastEvent(
            eventType, @event, eventId, StreamId: Guid.Empty, streamVersion, position, DateTimeOffset.UtcNow.AddSeconds(position), TraceParent: null);
        await Harness.Bus.Publish(@event, context =>
        {
            context.MessageId = eventId;
            foreach (var (name, value) in broadcast.Headers())
            {
                context.Headers.Set(name, value);
            }
        });

        if (!await Harness.Consumed.Any<TEvent>(message => message.Context.MessageId == eventId))
        {
            throw new TimeoutException($"{typeof(TEvent).Name} (version {streamVersion}) was not consumed.");
        }

        var consumed = Harness.Consumed.Select<TEvent>(message => message.Context.MessageId == eventId).First();
        if (consumed.Exception is not null)
        {
            throw new InvalidOperationException($"{typeof(TEvent).Name} (version {streamVersion}) failed.", consumed.Exception);
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
}
