using System.Diagnostics;
using Bank.Messaging.Replay;
using Bank.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Benchmarks;

/// <summary>
/// The modules' consumers fed straight from the event store (what <c>rebuild</c> does), without Kafka:
/// separates the cost of the consumers from the cost of the transport.
/// </summary>
internal static class Rebuild
{
    public static async Task RunAsync(Bench bench)
    {
        var accounts = bench.Quick ? 100 : 500;
        await using var database = await TestDatabase.CreateAsync();
        await using var services = Bench.EventStore(database);
        var store = services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await Bench.SeedAccountsAsync(store, accounts, 100);
        var replay = services.GetRequiredService<QueryModelReplay>();
        var last = await QueryModelReplay.LastPositionAsync(store, CancellationToken.None);
        foreach (var module in replay.Modules)
        {
            var watch = Stopwatch.StartNew();
            var handled = await replay.ReplayAsync(module, store, last, null, CancellationToken.None);
            bench.Add(new Figure("rebuild", $"{module} consumers fed from the event store, events/s", handled / watch.Elapsed.TotalSeconds, "/s"));
        }
    }
}
