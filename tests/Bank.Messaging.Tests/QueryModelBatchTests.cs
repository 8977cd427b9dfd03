using Bank.BuildingBlocks.QueryModels;
using Bank.Testing;
using JasperFx;
using Marten;
using Marten.Schema;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>A batch of events applied to views in memory and written once, against a real database.</summary>
public sealed class QueryModelBatchTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private DocumentStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _store = DocumentStore.For(options =>
        {
            options.Connection(_database.ConnectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
        });
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Several_events_of_one_stream_in_a_batch_leave_the_newest_and_ignore_duplicates_and_older_ones()
    {
        var id = Guid.NewGuid();
        await using (var batch = Batch(id))
        {
            foreach (var version in new long[] { 1, 2, 2, 1, 3 })
            {
                await batch.ApplyAsync(id, version, Count(id), CancellationToken.None);
            }

            await batch.SaveAsync(CancellationToken.None);
        }

        Assert.Equal(new Tally(id, 3) { Version = 3 }, await LoadAsync(id));
    }

    [Fact]
    public async Task A_stored_view_is_loaded_with_the_batch_and_only_newer_events_change_it()
    {
        var id = Guid.NewGuid();
        await ApplyOneAsync(id, 1);
        await ApplyOneAsync(id, 2);

        await using (var batch = Batch(id, Guid.NewGuid()))
        {
            await batch.ApplyAsync(id, 2, Count(id), CancellationToken.None);
            await batch.ApplyAsync(id, 3, Count(id), CancellationToken.None);
            await batch.SaveAsync(CancellationToken.None);
        }

        Assert.Equal(new Tally(id, 3) { Version = 3 }, await LoadAsync(id));
    }

    [Fact]
    public async Task A_view_written_by_someone_else_after_the_batch_read_it_is_not_moved_backwards()
    {
        var id = Guid.NewGuid();
        await ApplyOneAsync(id, 1);
        await using var slow = Batch(id);
        await slow.ApplyAsync(id, 2, Count(id), CancellationToken.None);

        await ApplyOneAsync(id, 2);
        await ApplyOneAsync(id, 3);
        await slow.SaveAsync(CancellationToken.None);

        Assert.Equal(3, (await LoadAsync(id))!.Version);
    }

    [Fact]
    public async Task Two_batches_creating_the_same_view_leave_the_newer_whichever_saves_last()
    {
        var older = Guid.NewGuid();
        await using (var slow = Batch(older))
        {
            await slow.ApplyAsync(older, 1, Count(older), CancellationToken.None);
            await ApplyOneAsync(older, 1);
            await ApplyOneAsync(older, 2);
            await slow.SaveAsync(CancellationToken.None);
        }

        var newer = Guid.NewGuid();
        await using (var slow = Batch(newer))
        {
            await slow.ApplyAsync(newer, 1, Count(newer), CancellationToken.None);
            await slow.ApplyAsync(newer, 2, Count(newer), CancellationToken.None);
            await slow.ApplyAsync(newer, 3, Count(newer), CancellationToken.None);
            await ApplyOneAsync(newer, 1);
            await slow.SaveAsync(CancellationToken.None);
        }

        Assert.Equal(new Tally(older, 2) { Version = 2 }, await LoadAsync(older));
        Assert.Equal(new Tally(newer, 3) { Version = 3 }, await LoadAsync(newer));
    }

    // The view counts the events applied to it.
    [Fact]
    public async Task An_event_undone_after_a_consumer_failed_for_good_leaves_no_trace_and_those_before_it_stay()
    {
        var id = Guid.NewGuid();
        var other = Guid.NewGuid();
        await using (var batch = Batch(id, other))
        {
            batch.BeginEvent();
            await batch.ApplyAsync(id, 1, Count(id), CancellationToken.None);
            batch.BeginEvent();
            await batch.ApplyAsync(id, 2, Count(id), CancellationToken.None);
            await batch.ApplyAsync(other, 1, Count(other), CancellationToken.None);
            batch.UndoEvent();
            await batch.SaveAsync(CancellationToken.None);
        }

        Assert.Equal(new Tally(id, 1) { Version = 1 }, await LoadAsync(id));
        Assert.Null(await LoadAsync(other));
    }

    private static Func<Tally?, long, Tally> Count(Guid id) =>
        (current, version) => new Tally(id, (current?.Events ?? 0) + 1) { Version = version };

    private QueryModelBatch Batch(params Guid[] streams)
    {
        var batch = new QueryModelBatch(_store);
        batch.Expect(streams);
        return batch;
    }

    private async Task ApplyOneAsync(Guid id, long version)
    {
        await using var batch = Batch(id);
        await batch.ApplyAsync(id, version, Count(id), CancellationToken.None);
        await batch.SaveAsync(CancellationToken.None);
    }

    private async Task<Tally?> LoadAsync(Guid id)
    {
        await using var session = _store.QuerySession();
        return await session.LoadAsync<Tally>(id);
    }

    public sealed record Tally(Guid Id, int Events) : IVersionedView
    {
        [Version]
        public long Version { get; init; }
    }
}
