using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Web.Idempotency;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Commands;

/// <summary>
/// The one path every command takes once its request is valid. An earlier answer under the request's
/// <c>Idempotency-Key</c> is given again; otherwise the command's decision runs on a session, which loads (and locks)
/// what it needs and appends its events, and its answer is committed with those events and kept under the key, in one
/// transaction. A <see cref="RuleViolation"/> becomes its problem, and a document that must be unique and already
/// exists becomes the command's own conflict. Commands never save or commit by themselves. With
/// <c>Commands:GroupCommit</c>, commands that arrive together share one transaction (<see cref="CommandGroups"/>).
/// </summary>
public sealed class CommandPath(IDocumentSession session, CommandGroups groups)
{
    /// <summary>
    /// Runs <paramref name="decide"/> for <paramref name="request"/>: what it answers is what the client gets, and a
    /// repeat with the same key. <paramref name="onDuplicate"/> answers a commit refused because a unique document
    /// (an email reservation, say) already exists; without it, that is an error.
    /// </summary>
    public Task<IResult> RunAsync(
        IdempotencyKey key,
        object request,
        Func<IDocumentSession, CancellationToken, Task<IResult>> decide,
        CancellationToken cancellationToken,
        Func<IResult>? onDuplicate = null)
    {
        var command = new PendingCommand(key, request, decide, onDuplicate, EventTraceContext.Current());
        return groups.Enabled ? groups.RunAsync(command, cancellationToken) : command.RunOnAsync(session, grouped: false, cancellationToken);
    }
}
