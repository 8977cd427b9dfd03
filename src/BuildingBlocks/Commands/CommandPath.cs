using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Idempotency;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Commands;

/// <summary>
/// The one path every command takes once its request is valid. An earlier answer under the request's
/// <c>Idempotency-Key</c> is given again; otherwise the command's decision runs on the request's session, which loads
/// (and locks) what it needs and appends its events, and its answer is committed with those events and kept under
/// the key, in one transaction. A <see cref="RuleViolation"/> becomes its problem, and a document that must be unique
/// and already exists becomes the command's own conflict. Commands never save or commit by themselves.
/// </summary>
public sealed class CommandPath(IDocumentSession session)
{
    /// <summary>
    /// Runs <paramref name="decide"/> for <paramref name="request"/>: what it answers is what the client gets, and a
    /// repeat with the same key. <paramref name="onDuplicate"/> answers a commit refused because a unique document
    /// (an email reservation, say) already exists; without it, that is an error.
    /// </summary>
    public async Task<IResult> RunAsync(
        IdempotencyKey key,
        object request,
        Func<IDocumentSession, CancellationToken, Task<IResult>> decide,
        CancellationToken cancellationToken,
        Func<IResult>? onDuplicate = null)
    {
        if (await key.EarlierAnswerAsync(session, request, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        IResult answer;
        try
        {
            answer = await decide(session, cancellationToken);
        }
        catch (RuleViolation refused) when (refused.Field is { } field)
        {
            return Problems.Validation(new Dictionary<string, string> { [field] = refused.Message });
        }
        catch (RuleViolation refused)
        {
            // Nothing a refused decision may have appended is committed with its answer.
            session.EjectAllPendingChanges();
            answer = Problems.Unprocessable(refused.Title, refused.Message);
        }

        try
        {
            return await key.CommitAsync(session, answer, cancellationToken);
        }
        catch (DocumentAlreadyExistsException) when (onDuplicate is not null)
        {
            return onDuplicate();
        }
    }
}
