namespace Bank.Host.Operations;

/// <summary>A rebuild of one module's query models: who started it where, how far it got, and how it ended.</summary>
internal sealed record RebuildRun(
    string Id,
    string Module,
    string Instance,
    string StartedBy,
    DateTimeOffset StartedAt,
    long Position,
    long Last,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? Outcome);
