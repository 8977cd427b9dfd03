using System.Collections.Concurrent;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Notifications;
using Bank.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>The host's one LISTEN connection and its notifier, against real PostgreSQL (with a password, as in production).</summary>
public sealed class DatabaseNotificationsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private readonly Listener _first = new("bank_test_first");
    private readonly Listener _second = new("bank_test_second");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Options.Create(new DatabaseSettings { Postgres = _database.ConnectionString }));
        services.AddDatabaseNotifications();
        services.AddSingleton<IChannelListener>(_first);
        services.AddSingleton<IChannelListener>(_second);
        _services = services.BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Each_listener_hears_the_notifications_of_its_own_channel_from_any_connection()
    {
        await Eventually.ReturnsAsync(() => Task.FromResult(_first.Listenings), count => count >= 1, TimeSpan.FromSeconds(30));

        _services.GetRequiredService<DatabaseNotifier>().Notify("bank_test_first", "from the notifier");
        await NotifyElsewhereAsync("bank_test_second", "from another instance");

        await Eventually.ReturnsAsync(() => Task.FromResult(_first.Payloads.ToArray()), heard => heard.Contains("from the notifier"), TimeSpan.FromSeconds(30));
        await Eventually.ReturnsAsync(() => Task.FromResult(_second.Payloads.ToArray()), heard => heard.Contains("from another instance"), TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("from another instance", _first.Payloads);
        Assert.DoesNotContain("from the notifier", _second.Payloads);
    }

    [Fact]
    public async Task A_lost_listening_connection_is_opened_again_and_the_listeners_are_told()
    {
        await Eventually.ReturnsAsync(() => Task.FromResult(_first.Listenings), count => count >= 1, TimeSpan.FromSeconds(30));

        Assert.True(await _database.ScalarAsync<bool>(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"));

        await Eventually.ReturnsAsync(() => Task.FromResult(_first.Listenings), count => count >= 2, TimeSpan.FromSeconds(30));
        await Eventually.ReturnsAsync(
            async () =>
            {
                await NotifyElsewhereAsync("bank_test_first", "after the loss");
                return _first.Payloads.ToArray();
            },
            heard => heard.Contains("after the loss"),
            TimeSpan.FromSeconds(30));
    }

    private async Task NotifyElsewhereAsync(string channel, string payload)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection)
        {
            Parameters = { new("channel", channel), new("payload", payload) },
        };
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Listener(string channel) : IChannelListener
    {
        private int _listenings;

        public ConcurrentQueue<string> Payloads { get; } = new();

        public int Listenings => Volatile.Read(ref _listenings);

        public string Channel => channel;

        public void Heard(string payload) => Payloads.Enqueue(payload);

        public void Listening() => Interlocked.Increment(ref _listenings);
    }
}
