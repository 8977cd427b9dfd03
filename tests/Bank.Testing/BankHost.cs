using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Bank.Testing;

/// <summary>
/// The real host on Kestrel (a free loopback port) against its own fresh database:
/// requests go through the same HTTP stack and limits as in production.
/// </summary>
public class BankHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The host has not been started.");

    public virtual async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        UseKestrel(0);
        StartServer();
    }

    public HttpClient CreateApiClient() => CreateClient();

    /// <summary>Domain events in the store; Marten's own tombstones (gap fillers of failed transactions) excluded.</summary>
    public Task<long> CountEventsAsync() =>
        Database.ScalarAsync<long>("SELECT count(*) FROM bank.mt_events WHERE type <> 'tombstone'");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", Database.ConnectionString);
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Extra configuration for a test class's host.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
