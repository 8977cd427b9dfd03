using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bank.BuildingBlocks.Web.Access;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Bank.BuildingBlocks.Web.Idempotency;

/// <summary>
/// A command's optional <c>Idempotency-Key</c> header: a client that retries with the same key and the same
/// request gets the first answer again, and the command runs once. A command handler asks for it as a parameter and
/// hands it to the <see cref="Commands.CommandPath"/>, which looks for an earlier answer before anything is decided
/// and writes the answer under the key in the same transaction as the command's events.
/// </summary>
public sealed class IdempotencyKey : IEndpointParameterMetadataProvider
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    // The two-number form of PostgreSQL's advisory locks, a key space apart from the one-number locks Marten takes.
    private const int AdvisoryLockClass = 0x1DE7;

    private readonly HttpContext _http;

    private IdempotencyKey(HttpContext http, string? value)
    {
        _http = http;
        Value = value;
    }

    /// <summary>The header's value; null when the request has none.</summary>
    public string? Value { get; }

    private string? _request;

    // Each caller's keys are their own: another caller's key, however chosen, never returns their answer.
    private string StoredKey => _http.User.FindFirst(BankAccess.SubjectClaim)?.Value is { } subject ? $"{subject} {Value}" : Value!;

    public static ValueTask<IdempotencyKey?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<IdempotencyKey?>(new IdempotencyKey(
            context, context.Request.Headers.TryGetValue(HeaderName, out var value) ? value.ToString() : null));

    /// <summary>Marks the endpoint, so that the OpenAPI document declares the header.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new IdempotentCommandMetadata());

    /// <summary>
    /// Null when the command is to run: the request has no key, or the key is new. Otherwise the answer to give
    /// instead: the first answer given under the key, a <c>422</c> when the key came with another request, or a
    /// <c>400</c> for a malformed key. Holds the key, in the session's transaction, until the command commits:
    /// a second request with the key waits for the first and then gets its answer.
    /// </summary>
    internal async Task<IResult?> EarlierAnswerAsync(IDocumentSession session, object request, CancellationToken cancellationToken)
    {
        if (Value is null)
        {
            return null;
        }

        if (Value.Length is 0 or > MaxLength || Value.Any(char.IsControl))
        {
            return Problems.Validation(new Dictionary<string, string>
            {
                [HeaderName] = $"Must be 1 to {MaxLength} characters, without control characters; it was {Value.Length}.",
            });
        }

        _request = Fingerprint(request);
        await session.BeginTransactionAsync(cancellationToken);
        await using (var command = session.Connection!.CreateCommand())
        {
            command.CommandText = "SELECT pg_advisory_xact_lock($1, hashtext($2))";
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = AdvisoryLockClass });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = StoredKey });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var earlier = await session.LoadAsync<RecordedAnswer>(StoredKey, cancellationToken);
        if (earlier is null)
        {
            return null;
        }

        return earlier.Request == _request
            ? new ReplayedAnswer(earlier)
            : Problems.Unprocessable(
                "The idempotency key was used for another request.",
                $"The key '{Problems.Truncate(Value)}' was first sent at {earlier.AnsweredAt:u} with a different method, path or body; " +
                "use a new key for a new request.");
    }

    /// <summary>
    /// Saves the session's changes and, when the request has a key, <paramref name="answer"/> under it, in one
    /// transaction: a crash cannot keep the events and lose the answer, or the other way round.
    /// </summary>
    internal async Task<IResult> CommitAsync(IDocumentSession session, IResult answer, CancellationToken cancellationToken)
    {
        if (_request is null)
        {
            await session.SaveChangesAsync(cancellationToken);
            return answer;
        }

        var recorded = await RecordAsync(answer);
        session.Insert(recorded);
        await session.SaveChangesAsync(cancellationToken);
        return new ReplayedAnswer(recorded, replayed: false);
    }

    // What identifies the request: its method, path and body as bound (so the order of JSON fields and white space do not matter).
    private string Fingerprint(object request)
    {
        var json = _http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var text = $"{_http.Request.Method} {_http.Request.Path}\n{JsonSerializer.Serialize(request, request.GetType(), json)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    // Runs the answer against a scratch response, so that what is recorded is exactly what the client receives.
    private async Task<RecordedAnswer> RecordAsync(IResult answer)
    {
        var scratch = new DefaultHttpContext { RequestServices = _http.RequestServices };
        scratch.Request.Method = _http.Request.Method;
        scratch.Request.Path = _http.Request.Path;
        using var body = new MemoryStream();
        scratch.Response.Body = body;
        await answer.ExecuteAsync(scratch);
        return new RecordedAnswer(
            StoredKey,
            _request!,
            scratch.Response.StatusCode,
            scratch.Response.ContentType,
            scratch.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null,
            Encoding.UTF8.GetString(body.ToArray()),
            DateTimeOffset.UtcNow);
    }

    /// <summary>An answer as it was recorded; <c>Idempotent-Replayed: true</c> tells a client it is a repeat.</summary>
    private sealed class ReplayedAnswer(RecordedAnswer recorded, bool replayed = true) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = recorded.Status;
            httpContext.Response.ContentType = recorded.ContentType;
            if (recorded.Location is not null)
            {
                httpContext.Response.Headers.Location = recorded.Location;
            }

            if (replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }

            await httpContext.Response.WriteAsync(recorded.Body, httpContext.RequestAborted);
        }
    }
}
