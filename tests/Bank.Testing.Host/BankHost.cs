using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Bank.Testing;

/// <summary>
/// The real host on Kestrel (a free loopback port) against real PostgreSQL: requests go through
/// the same HTTP stack and limits as in production. As a class fixture it gets a fresh database
/// of its own; tests that restart hosts pass a shared database and settings instead.
/// </summary>
public class BankHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string?> _settings;
    private TestDatabase? _database;
    private bool _ownsDatabase;

    public BankHost()
        : this(null, new Dictionary<string, string?>())
    {
    }

    /// <summary>For fixtures that run the host with other settings (another transport, say).</summary>
    protected BankHost(IReadOnlyDictionary<string, string?> settings)
        : this(null, settings)
    {
    }

    private BankHost(TestDatabase? database, IReadOnlyDictionary<string, string?> settings)
    {
        _database = database;
        _settings = new Dictionary<string, string?>(settings);
    }

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The host has not been started.");

    /// <summary>Starts a host on a shared database with the given settings.</summary>
    public static async Task<BankHost> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string?> settings)
    {
        var host = new BankHost(database, settings);
        await host.InitializeAsync();
        return host;
    }

    public virtual async Task InitializeAsync()
    {
        if (_database is null)
        {
            _database = await TestDatabase.CreateAsync();
            _ownsDatabase = true;
        }

        UseKestrel(0);
        StartServer();
    }

    public HttpClient CreateApiClient() => CreateClient();

    /// <summary>Until <c>/health</c> calls the instance ready: its consumer groups have joined.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Eventually.ReturnsAsync(
            async () =>
            {
                using var response = await client.GetAsync("/health");
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60));
    }

    /// <summary>Every client acts as an operator unless a test gives it another token (<see cref="TestTokens.As"/>).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.As(TestTokens.Operator());
    }

    public T GetService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Domain events in the store; Marten's own tombstones (gap fillers of failed transactions) excluded.</summary>
    public Task<long> CountEventsAsync() =>
        Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type <> 'tombstone'");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
        builder.UseSetting("Auth:SigningKey", TestTokens.SigningKey);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_ownsDatabase && _database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
