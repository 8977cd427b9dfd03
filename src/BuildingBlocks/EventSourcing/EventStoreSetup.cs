using Bank.BuildingBlocks.Settings;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Configuration;
using Weasel.Core;

namespace Bank.BuildingBlocks.EventSourcing;

public static class EventStoreSetup
{
    public const string SchemaName = "bank";

    /// <summary>Registers a module's events under their stable names.</summary>
    public static IServiceCollection AddEventTypes(
        this IServiceCollection services, string aggregateType, IReadOnlyDictionary<Type, string> eventTypeNames) =>
        services.AddSingleton(new EventTypeRegistration(aggregateType, eventTypeNames));

    /// <summary>
    /// One Marten store for the whole host: one event stream per aggregate (Guid ids),
    /// camelCase JSON, schema applied at start. Modules add their documents and projections
    /// with <c>services.ConfigureMarten(...)</c>.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddEventStore(
        this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DatabaseSettings>(configuration);
        services.AddSingleton<EventTypeRegistry>();
        services.AddSingleton<IConfigureMarten, StableEventNames>();

        // Built when first needed, from the checked settings: a bad connection string is told before anything starts.
        return services
            .AddMarten(provider =>
            {
                var options = new StoreOptions();
                options.Connection(provider.GetRequiredService<IOptions<DatabaseSettings>>().Value.Postgres!);
                options.DatabaseSchemaName = SchemaName;
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                // One round trip per append, with versions assigned by the database.
                options.Events.AppendMode = EventAppendMode.Quick;
                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.Events.MetadataConfig.HeadersEnabled = true;
                return options;
            })
            .BuildSessionsWith<TracingSessionFactory>()
            .ApplyAllDatabaseChangesOnStartup();
    }

    /// <summary>Lightweight sessions whose events remember the trace of the request that appended them.</summary>
    private sealed class TracingSessionFactory(IDocumentStore store) : ISessionFactory
    {
        public IQuerySession QuerySession() => store.QuerySession();

        public IDocumentSession OpenSession()
        {
            var session = store.LightweightSession();
            if (EventTraceContext.Current() is { } traceParent)
            {
                session.SetHeader(EventTraceContext.HeaderName, traceParent);
            }

            return session;
        }
    }

    /// <summary>Stores events under their stable names instead of names derived from CLR types.</summary>
    private sealed class StableEventNames(EventTypeRegistry registry) : IConfigureMarten
    {
        public void Configure(IServiceProvider services, StoreOptions options)
        {
            foreach (var eventType in registry.All)
            {
                options.Events.MapEventType(eventType.ClrType, eventType.Name);
            }

            options.Events.AddEventTypes(registry.All.Select(e => e.ClrType));
        }
    }
}
