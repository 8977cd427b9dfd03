using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Events;
using Bank.Messaging.Kafka.Parking;
using Bank.Testing;
using Confluent.Kafka;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bank.Messaging.Tests;

/// <summary>What the test consumers saw, in the order they saw it.</summary>
public sealed class Recorder
{
    internal ConcurrentQueue<(string Module, string Key, long Version, MessageSource? Kafka, long At)> Handled { get; } = new();

    public ConcurrentQueue<(string Module, long Version)> Attempts { get; } = new();

    /// <summary>Deposits of this amount block their consumer until the host stops.</summary>
    public decimal? BlockOnAmount { get; set; }

    /// <summary>Deposits of this amount take this long in their consumer.</summary>
    public (decimal Amount, TimeSpan Delay)? SlowOnAmount { get; set; }

    /// <summary>Whether module beta fails on deposits of 13 (the test fixes the failure by turning it off).</summary>
    public bool UnluckyThirteen { get; set; } = true;

    /// <summary>Whether module beta finds the database away on deposits of 17, as a query-model load would.</summary>
    public bool DatabaseAway { get; set; }

    /// <summary>The amount module "alpha" read from each (key, version) it handled.</summary>
    public ConcurrentDictionary<(string Key, long Version), decimal> AmountsRead { get; } = new();

    public IEnumerable<long> VersionsOf(string module, string key) =>
        Handled.Where(h => h.Module == module && h.Key == key).Select(h => h.Version);
}

/// <summary>Consumer of module "alpha": records every deposit; may block to simulate a crash mid-message.</summary>
public sealed class AlphaConsumer(Recorder recorder) : IConsumer<MoneyDeposited>
{
    public async Task Consume(ConsumeContext<MoneyDeposited> context)
    {
        var version = context.GetEventMetadata().StreamVersion;
        recorder.Attempts.Enqueue(("alpha", version));
        if (context.Message.Amount == recorder.BlockOnAmount)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        if (recorder.SlowOnAmount is { } slow && context.Message.Amount == slow.Amount)
        {
            await Task.Delay(slow.Delay, context.CancellationToken);
        }

        recorder.AmountsRead[(context.Message.AccountId.ToString("D"), version)] = context.Message.Amount;
        recorder.Handled.Enqueue(("alpha", context.Message.AccountId.ToString("D"), version, context.GetMessageSource(), Stopwatch.GetTimestamp()));
    }
}

/// <summary>Consumer of module "beta": records every deposit and fails on an amount of 13 while <see cref="Recorder.UnluckyThirteen"/>.</summary>
public sealed class BetaConsumer(Recorder recorder) : IConsumer<MoneyDeposited>
{
    public Task Consume(ConsumeContext<MoneyDeposited> context)
    {
        var version = context.GetEventMetadata().StreamVersion;
        recorder.Attempts.Enqueue(("beta", version));
        if (context.Message.Amount == 13m && recorder.UnluckyThirteen)
        {
            throw new InvalidOperationException($"Amount 13 is unlucky (version {version}).");
        }

        if (context.Message.Amount == 17m && recorder.DatabaseAway)
        {
            throw new NpgsqlException("Exception while reading from stream", new SocketException((int)SocketError.ConnectionReset));
        }

        recorder.Handled.Enqueue(("beta", context.Message.AccountId.ToString("D"), version, context.GetMessageSource(), Stopwatch.GetTimestamp()));
        return Task.CompletedTask;
    }
}

/// <summary>
/// A host with only the Kafka bridge and two test modules ("alpha", "beta") consuming events_Account,
/// against real PostgreSQL and a broker the test owns. The relay is off: the test produces the messages.
/// </summary>
public sealed class BridgeHost : IAsyncDisposable
{
    private readonly Microsoft.Extensions.Hosting.IHost _host;

    private BridgeHost(Microsoft.Extensions.Hosting.IHost host) => _host = host;

    /// <summary>The operator's tools for parked keys, as <c>Bank.Host dead-letters</c> uses them.</summary>
    public DeadLetters DeadLetters => _host.Services.GetRequiredService<DeadLetters>();

    /// <summary>How many partitions of events_Account this instance's member of <paramref name="group"/> holds (librdkafka's statistics, every second).</summary>
    public int PartitionsHeld(string group) =>
        _host.Services.GetRequiredService<Bank.Messaging.Kafka.Consuming.ConsumerGroupState>().Held.Where(h => h.Group == group).Sum(h => h.Partitions);

    public static async Task<BridgeHost> StartAsync(
        TestDatabase database, string bootstrapServers, Recorder recorder, string groupSuffix, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:ConsumerGroups:alpha"] = "alpha-" + groupSuffix,
            ["Kafka:ConsumerGroups:beta"] = "beta-" + groupSuffix,
            ["Kafka:Consumer:session.timeout.ms"] = "2000",
            ["Kafka:Consumer:heartbeat.interval.ms"] = "250",
            ["Relay:Enabled"] = "false",
            // The test produces the events itself, as the relay would, without storing them: the bridge must take them.
            ["Kafka:CheckEventsAgainstStore"] = "false",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(recorder);
        var eventStore = builder.Services.AddEventStore(builder.Configuration);
        builder.Services.AddEventTypes(AccountEvents.AggregateType, AccountEvents.TypeNames, AccountEvents.Upcasts);
        builder.Services.AddEventBroadcasting(builder.Configuration, eventStore, bus =>
        {
            bus.AddModuleConsumer<AlphaConsumer>("alpha");
            bus.AddModuleConsumer<BetaConsumer>("beta", consumer => consumer.UseMessageRetry(retry => retry.Intervals(10, 20)));
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BridgeHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Produces deposits as the relay would: keyed by account, with the relay's headers.</summary>
public static class Deposits
{
    /// <summary>Returns the partition the deposit went to.</summary>
    public static async Task<int> ProduceAsync(
        string bootstrapServers, Guid accountId, long version, decimal amount, string? rawValue = null, Guid? eventId = null)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true })
            .SetLogHandler((_, _) => { }).Build();
        // Any increasing number will do for a global position here.
        var position = System.Diagnostics.Stopwatch.GetTimestamp();
        var value = rawValue ?? JsonSerializer.Serialize(new MoneyDeposited(accountId, amount, "EUR", amount, "EUR", 1m, amount * version), JsonSerializerOptions.Web);
        var delivered = await producer.ProduceAsync("events_Account", new Message<string, string>
        {
            Key = accountId.ToString("D"),
            Value = value,
            Headers = new Confluent.Kafka.Headers
            {
                { EventHeaders.MessageType, Encoding.UTF8.GetBytes("MoneyDeposited") },
                { EventHeaders.EventId, Encoding.UTF8.GetBytes((eventId ?? Guid.NewGuid()).ToString("D")) },
                { EventHeaders.StreamVersion, Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture)) },
                { EventHeaders.GlobalPosition, Encoding.UTF8.GetBytes(position.ToString(CultureInfo.InvariantCulture)) },
                { EventHeaders.Timestamp, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)) },
                { EventHeaders.ContentType, "application/json"u8.ToArray() },
            },
        });
        return delivered.Partition.Value;
    }
}
