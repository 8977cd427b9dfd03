using System.Diagnostics;
using System.Globalization;
using Bank.Accounts.Contracts;
using Bank.Customers.Contracts;
using Bank.Host;
using Bank.Messaging.Kafka.Embedded;
using Bank.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Benchmarks;

/// <summary>What every scenario needs: a fresh database, a broker, the host as a process, seeding.</summary>
internal sealed class Bench(bool quick)
{
    public bool Quick { get; } = quick;

    public List<Figure> Figures { get; } = [];

    public Dictionary<string, List<(string Series, double X, double Y)>> Plots { get; } = [];

    public void Add(Figure figure)
    {
        Figures.Add(figure);
        var ratio = figure.Ratio is { } r ? $"  ({r:P0} of {figure.Baseline})" : "";
        Console.WriteLine($"  {figure.Scenario,-12} {figure.Name,-44} {figure.Value,12:N1} {figure.Unit}{ratio}");
    }

    public void Plot(string chart, string series, double x, double y)
    {
        if (!Plots.TryGetValue(chart, out var points))
        {
            Plots[chart] = points = [];
        }

        points.Add((series, x, y));
    }

    public static Dictionary<string, string> HostSettings(TestDatabase database, string bootstrapServers, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:Partitions"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["Kafka:Consumer:session.timeout.ms"] = "2000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
            ["Kafka:Consumer:max.poll.interval.ms"] = "15000",
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The default setup: a host with its own embedded broker (no standalone one in this process).</summary>
    public static Task<HostProcess> StartHostWithOwnBrokerAsync(TestDatabase database)
    {
        var settings = HostSettings(database, bootstrapServers: "");
        settings.Remove("Kafka:BootstrapServers");
        return HostProcess.StartAsync(settings);
    }

    /// <summary>
    /// Partitions per topic. The embedded broker keeps only the newest 5 MB of each partition (librdkafka's
    /// mock cluster); 24 keep a 100,000-event backlog whole, so every figure reads every event.
    /// </summary>
    public const int Partitions = 24;

    public static EmbeddedKafkaBroker StartBroker()
    {
        var broker = EmbeddedKafkaBroker.Start();
        foreach (var topic in new[] { "events_Customer", "events_Account", "events_Customer.dlt", "events_Account.dlt" })
        {
            broker.CreateTopic(topic, Partitions);
        }

        return broker;
    }

    public static HttpClient Client(HostProcess host) =>
        new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = host.Address,
            Timeout = TimeSpan.FromSeconds(60),
        }.As(TestTokens.Operator());

    /// <summary>A bare Marten event store in its own schema, appending deposits the way the host does (quick append): the baselines' writer.</summary>
    public static async Task<DocumentStore> BareEventStoreAsync(TestDatabase database, string schema)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(database.ConnectionString);
            options.DatabaseSchemaName = schema;
            options.Events.AppendMode = JasperFx.Events.EventAppendMode.Quick;
            options.Events.AddEventType<MoneyDeposited>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    /// <summary>The host's own event store configuration, in this process, for seeding large streams fast.</summary>
    public static ServiceProvider EventStore(TestDatabase database)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = database.ConnectionString,
                ["Relay:Enabled"] = "false",
                ["Messaging:Transport"] = "InMemory",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddBank(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Appends accounts of <paramref name="eventsPerAccount"/> events (opened, then deposits of 1) through Marten, a batch per transaction.</summary>
    public static async Task<List<Guid>> SeedAccountsAsync(IDocumentStore store, int accounts, int eventsPerAccount)
    {
        var ids = new List<Guid>();
        var customerId = Guid.CreateVersion7();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(Aggregate("Bank.Customers.Domain.Customer, Bank.Customers"), customerId, new CustomerCreated(customerId, "Bench", "Mark", $"{customerId:N}@example.com"));
            await session.SaveChangesAsync();
        }

        for (var a = 0; a < accounts; a++)
        {
            var accountId = Guid.CreateVersion7();
            ids.Add(accountId);
            var written = 0;
            while (written < eventsPerAccount)
            {
                await using var session = store.LightweightSession();
                var batch = new List<object>();
                if (written == 0)
                {
                    batch.Add(new AccountOpened(accountId, customerId, "EUR"));
                }

                while (batch.Count < 1000 && written + batch.Count < eventsPerAccount)
                {
                    var balance = written + batch.Count;
                    batch.Add(new MoneyDeposited(accountId, 1m, "EUR", 1m, "EUR", 1m, balance));
                }

                if (written == 0)
                {
                    session.Events.StartStream(Aggregate("Bank.Accounts.Domain.Account, Bank.Accounts"), accountId, batch);
                }
                else
                {
                    session.Events.Append(accountId, batch);
                }

                await session.SaveChangesAsync();
                written += batch.Count;
            }
        }

        return ids;
    }

    /// <summary>
    /// A module's aggregate type, which is internal to it: streams started with it carry its type, as the commands'
    /// streams do, and the reads that check what a stream is accept them.
    /// </summary>
    private static Type Aggregate(string name) => Type.GetType(name, throwOnError: true)!;

    public static async Task<long> ScalarAsync(TestDatabase database, string sql) => await database.ScalarAsync<long>(sql);

    public static async Task<(double Rate, TimeSpan Elapsed)> RateUntilAsync(
        Func<Task<long>> progress, long target, TimeSpan timeout, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        long? startValue = null;
        var started = TimeSpan.Zero;
        while (watch.Elapsed < timeout)
        {
            var value = await progress();
            if (startValue is null && value > 0)
            {
                startValue = value;
                started = watch.Elapsed;
            }

            if (value >= target)
            {
                var elapsed = watch.Elapsed - started;
                return ((value - (startValue ?? 0)) / Math.Max(elapsed.TotalSeconds, 0.001), elapsed);
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }

        throw new TimeoutException($"Progress stayed below {target} for {timeout}.");
    }
}
