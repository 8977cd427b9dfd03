using Bank.BuildingBlocks.Commands;
using Bank.BuildingBlocks.Notifications;
using Bank.BuildingBlocks.Web.Idempotency;
using Bank.Testing;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>
/// Group commit on a real database: commands queued together share one transaction, and one that breaks it makes
/// the group run again one by one, so that it fails alone and its neighbours still commit.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private DocumentStore _store = null!;
    private NpgsqlDataSource _notifications = null!;
    private CommandGroups _groups = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _store = DocumentStore.For(options =>
        {
            options.Connection(_database.ConnectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        _notifications = NpgsqlDataSource.Create(_database.ConnectionString);
        _groups = new CommandGroups(
            _store,
            new DatabaseNotifier(_notifications, NullLogger<DatabaseNotifier>.Instance),
            Options.Create(new CommandOptions()),
            NullLogger<CommandGroups>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _groups.StopAsync(CancellationToken.None);
        _groups.Dispose();
        await _notifications.DisposeAsync();
        await _store.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Commands_queued_together_commit_in_one_transaction_each_with_its_own_answer()
    {
        // Queued before the group commit starts, so that it finds them all waiting.
        var answers = new[] { "a", "b", "c" }.Select(id => RunAsync(InsertNotingTransaction(id))).ToList();
        var refused = RunAsync((_, _) => throw new InsufficientFunds());
        await _groups.StartAsync(CancellationToken.None);

        var transactions = (await Task.WhenAll(answers)).Select(TransactionOf).ToList();

        Assert.Single(transactions.Distinct());
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, ((IStatusCodeHttpResult)await refused).StatusCode);
        Assert.Equal(["a", "b", "c"], await StoredAsync());
    }

    [Fact]
    public async Task A_command_that_breaks_the_group_fails_alone_and_its_neighbours_commit()
    {
        var first = RunAsync(Insert("a"));
        var duplicate = RunAsync(Insert("a"), onDuplicate: () => TypedResults.Conflict());
        var last = RunAsync(Insert("b"));
        await _groups.StartAsync(CancellationToken.None);

        // Without running the group again one by one, all three would fail with the duplicate's error.
        Assert.IsType<Conflict>(await duplicate);
        Assert.IsType<Ok>(await first);
        Assert.IsType<Ok>(await last);
        Assert.Equal(["a", "b"], await StoredAsync());
    }

    private Task<IResult> RunAsync(Func<IDocumentSession, CancellationToken, Task<IResult>> decide, Func<IResult>? onDuplicate = null)
    {
        var noKey = IdempotencyKey.BindAsync(new DefaultHttpContext()).Result!;
        return new CommandPath(_store.LightweightSession(), _groups).RunAsync(noKey, new { }, decide, CancellationToken.None, onDuplicate);
    }

    // Inserts a document: a second with the same id breaks the transaction.
    private static Func<IDocumentSession, CancellationToken, Task<IResult>> Insert(string id) => (session, _) =>
    {
        session.Insert(new Reservation(id));
        return Task.FromResult<IResult>(TypedResults.Ok());
    };

    // The same, answering with the id of the transaction it ran in (a group's sessions share their connection).
    private static Func<IDocumentSession, CancellationToken, Task<IResult>> InsertNotingTransaction(string id) => async (session, cancellationToken) =>
    {
        session.Insert(new Reservation(id));
        await using var command = new NpgsqlCommand("SELECT txid_current()", session.Connection);
        return TypedResults.Ok((long)(await command.ExecuteScalarAsync(cancellationToken))!);
    };

    private static long TransactionOf(IResult answer) => ((Ok<long>)answer).Value;

    private async Task<List<string>> StoredAsync()
    {
        await using var session = _store.QuerySession();
        return [.. (await session.Query<Reservation>().ToListAsync()).Select(r => r.Id).Order(StringComparer.Ordinal)];
    }

    public sealed record Reservation(string Id);

    private sealed class InsufficientFunds() : RuleViolation("The balance is 1.00.")
    {
        public override string Title => "Insufficient funds.";
    }
}
