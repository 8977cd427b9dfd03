namespace Bank.BuildingBlocks.Commands;

/// <summary>
/// A command that one of the bank's rules refuses, raised by an aggregate's decision: nothing is appended. The
/// <see cref="CommandPath"/> answers it as a problem.
/// </summary>
public abstract class RuleViolation(string message) : Exception(message)
{
    /// <summary>
    /// The request field at fault: the request was wrong, a <c>400</c> that is not kept under an idempotency key.
    /// Null when the request was right and the account's state refuses it: a <c>422</c> titled <see cref="Title"/>,
    /// kept under the key like any answer.
    /// </summary>
    public virtual string? Field => null;

    /// <summary>The rule in a few words ("Insufficient funds.").</summary>
    public abstract string Title { get; }
}
