using System.Text;
using System.Text.Json.Nodes;
using Bank.BuildingBlocks.Settings;
using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Services.Json.Transformations;
using Microsoft.Extensions.Configuration;
using Weasel.Core;

namespace Bank.BuildingBlocks.EventSourcing;

public static class EventStoreSetup
{
    public const string SchemaName = "bank";

    /// <summary>Registers a module's events under their stable names, with the upcasts of those past their first version.</summary>
    public static IServiceCollection AddEventTypes(
        this IServiceCollection services,
        string aggregateType,
        IReadOnlyDictionary<Type, string> eventTypeNames,
        IReadOnlyDictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>>? upcasts = null) =>
        services.AddSingleton(new EventTypeRegistration(aggregateType, eventTypeNames, upcasts));

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
                options.Connection(provider.Settings<DatabaseSettings>().Postgres!);
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

    /// <summary>
    /// Stores events under their stable names instead of names derived from CLR types, each version under its own
    /// name, and reads every older version as the current one: loading an aggregate, the relay, catch-up, rebuilds and
    /// <c>verify</c> all read events through here.
    /// </summary>
    private sealed class StableEventNames(EventTypeRegistry registry) : IConfigureMarten
    {
        public void Configure(IServiceProvider services, StoreOptions options)
        {
            foreach (var eventType in registry.All)
            {
                options.Events.MapEventType(eventType.ClrType, eventType.StoredName);
                for (var version = 1; version < eventType.Version; version++)
                {
                    var storedVersion = version;
                    options.Events.Upcast(
                        eventType.ClrType,
                        eventType.StoredNameOf(storedVersion),
                        new JsonTransformation((serializer, reader, index) =>
                        {
                            var json = registry.ReadAsCurrent(eventType, storedVersion, reader.GetString(index));
                            return serializer.FromJson(eventType.ClrType, new MemoryStream(Encoding.UTF8.GetBytes(json)));
                        }));
                }
            }

            options.Events.AddEventTypes(registry.All.Select(e => e.ClrType));
        }
    }
}
