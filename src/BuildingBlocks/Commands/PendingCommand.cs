using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Idempotency;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Commands;

/// <summary>
/// One command on its way through the <see cref="CommandPath"/>: what it was asked, how it decides, and where its
/// answer goes once its transaction (its own, or its group's) has committed.
/// </summary>
internal sealed class PendingCommand(
    IdempotencyKey key,
    object request,
    Func<IDocumentSession, CancellationToken, Task<IResult>> decide,
    Func<IResult>? onDuplicate,
    string? traceParent)
{
    private readonly TaskCompletionSource<IResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The trace of the request, for the events the command appends.</summary>
    public string? TraceParent => traceParent;

    public Task<IResult> Answer => _answer.Task;

    /// <summary>
    /// Decides on <paramref name="session"/> and saves what was decided with the answer under the key. Alone
    /// (<paramref name="grouped"/> false) that commits; in a group it only writes, and the group commits. In a group a
    /// unique document that already exists is not answered here: it broke the group's transaction, so it is thrown.
    /// </summary>
    public async Task<IResult> RunOnAsync(IDocumentSession session, bool grouped, CancellationToken cancellationToken)
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
        catch (DocumentAlreadyExistsException) when (onDuplicate is not null && !grouped)
        {
            return onDuplicate();
        }
    }

    public void Answered(IResult answer) => _answer.TrySetResult(answer);

    public void Failed(Exception error) => _answer.TrySetException(error);
}
