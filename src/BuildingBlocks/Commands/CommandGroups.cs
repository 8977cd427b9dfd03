using System.Threading.Channels;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Notifications;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Bank.BuildingBlocks.Commands;

/// <summary>
/// Group commit: the commands that arrive while others commit run one after another in one transaction, each on its
/// own session, and one commit ends them all, so that under load a transaction and its commit (the WAL flush) are paid
/// once per group instead of once per command; alone, a command runs as before. Each command keeps its own outcome: a
/// refusal is an answer, written like any other. Whatever else breaks the group's transaction (a unique document that
/// exists, a deadlock with another instance) rolls the group back and runs its commands again one by one, each in its
/// own transaction, so no command fails because of a neighbour. Commands of one instance never wait for each other's
/// locks: one group runs at a time, and a later command of the group sees what an earlier one wrote to the same account.
/// </summary>
public sealed class CommandGroups(
    IDocumentStore store, DatabaseNotifier notifier, IOptions<CommandOptions> options, ILogger<CommandGroups> logger) : BackgroundService
{
    // Bounds how long the first command of a group waits for the last.
    private const int MostPerGroup = 32;

    // A group takes its locks in the order its commands came, not in the order of the accounts' ids: waiting on
    // another instance's locks for longer breaks the group, and its commands run again alone, each in id order, so
    // that no two instances' groups wait for each other until PostgreSQL's deadlock check (1 s) ends one.
    private const string BoundLockWaits = "SET LOCAL lock_timeout = '200ms'";

    private readonly Channel<PendingCommand> _waiting = Channel.CreateUnbounded<PendingCommand>(new UnboundedChannelOptions { SingleReader = true });

    public bool Enabled => options.Value.GroupCommit;

    internal Task<IResult> RunAsync(PendingCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_waiting.Writer.TryWrite(command))
        {
            throw new OperationCanceledException("The host is stopping: commands are no longer taken.");
        }

        return command.Answer;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<PendingCommand>(MostPerGroup);
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                group.Clear();
                while (group.Count < MostPerGroup && _waiting.Reader.TryRead(out var command))
                {
                    group.Add(command);
                }

                if (group.Count == 1)
                {
                    await RunAloneAsync(group[0], stoppingToken);
                }
                else if (await TryCommitTogetherAsync(group, stoppingToken) is { } broken)
                {
                    await RunAgainAloneAsync(group, broken, stoppingToken);
                }
            }
        }
        finally
        {
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var left))
            {
                left.Failed(new OperationCanceledException("The host stopped before the command ran."));
            }

            group.ForEach(command => command.Failed(new OperationCanceledException("The host stopped before the command committed.")));
        }
    }

    /// <summary>Null once the group committed; otherwise what broke its transaction, of which nothing was committed.</summary>
    private async Task<Exception?> TryCommitTogetherAsync(List<PendingCommand> group, CancellationToken cancellationToken)
    {
        var answers = new IResult[group.Count];
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var bound = new NpgsqlCommand(BoundLockWaits, connection, transaction))
            {
                await bound.ExecuteNonQueryAsync(cancellationToken);
            }

            for (var i = 0; i < group.Count; i++)
            {
                await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
                Trace(session, group[i]);
                answers[i] = await group[i].RunOnAsync(session, grouped: true, cancellationToken);
            }

            // Once the commit is sent, its outcome is what the answers say, stopping or not.
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return e;
        }

        // Sessions that share a transaction cannot tell when it commits: the relay hears of their events now.
        notifier.Notify(EventAppends.Channel);
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Answered(answers[i]);
        }

        return null;
    }

    /// <summary>
    /// The database refused something in the group (a unique document that exists, a deadlock): each command runs
    /// again alone, so that only the one at fault fails. When the database did not answer at all, running them again
    /// would only wait as long once more: they fail at once, with the commands waiting meanwhile.
    /// </summary>
    private async Task RunAgainAloneAsync(List<PendingCommand> group, Exception broken, CancellationToken cancellationToken)
    {
        if (DatabaseFailures.IsUnavailable(broken))
        {
            logger.LogDebug(broken, "A group of {Count} commands could not reach the database", group.Count);
            group.ForEach(command => command.Failed(broken));
            FailWaiting(broken);
            return;
        }

        logger.LogDebug(broken, "A group of {Count} commands could not commit together; each runs alone", group.Count);
        foreach (var command in group)
        {
            await RunAloneAsync(command, cancellationToken);
        }
    }

    private async Task RunAloneAsync(PendingCommand command, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = store.LightweightSession();
            Trace(session, command);
            command.Answered(await command.RunOnAsync(session, grouped: false, cancellationToken));
        }
        catch (Exception e)
        {
            command.Failed(e);
            if (DatabaseFailures.IsUnavailable(e))
            {
                FailWaiting(e);
            }
        }
    }

    // The commands that waited while the database did not answer would wait as long again, one after another.
    private void FailWaiting(Exception unavailable)
    {
        while (_waiting.Reader.TryRead(out var waiting))
        {
            waiting.Failed(unavailable);
        }
    }

    private static void Trace(IDocumentSession session, PendingCommand command)
    {
        if (command.TraceParent is { } traceParent)
        {
            session.SetHeader(EventTraceContext.HeaderName, traceParent);
        }
    }
}
