using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Web;

/// <summary>The RFC 7807 responses the API answers with, so every module words its errors alike.</summary>
public static class Problems
{
    public static IResult Validation(ValidationErrors errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(),
            detail: "One or more fields are invalid; see 'errors'.",
            title: "The request is invalid.");

    /// <summary>One message per field, as value objects report them.</summary>
    public static IResult Validation(IReadOnlyDictionary<string, string> errors)
    {
        var collected = new ValidationErrors();
        foreach (var (field, message) in errors)
        {
            collected.Add(field, message);
        }

        return Validation(collected);
    }

    public static IResult InvalidId(string field, string value) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"'{Truncate(value)}' is not a valid id (expected a GUID)."] },
            detail: $"The {field} in the path, '{Truncate(value)}', is not a GUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff.",
            title: "The request is invalid.");

    /// <summary>"Account not found." / "There is no account with id …."</summary>
    public static IResult NotFound(string what, Guid id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: $"{char.ToUpperInvariant(what[0])}{what[1..]} not found.",
            detail: $"There is no {what} with id {id}.");

    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static IResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    /// <summary>
    /// 503 with <c>Retry-After</c>: a query model has not reached the version asked for (<c>minVersion</c>)
    /// within the wait; <c>reachedVersion</c> says how far it got.
    /// </summary>
    public static IResult QueryModelBehind(string what, Guid id, long minVersion, long reachedVersion) =>
        new WithRetryAfter(
            TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The query model has not caught up yet.",
                detail: $"The {what} {id} is shown up to version {reachedVersion}, not yet {minVersion}; retry shortly.",
                extensions: new Dictionary<string, object?> { ["reachedVersion"] = reachedVersion, ["minVersion"] = minVersion }),
            seconds: 1);

    /// <summary>Keeps user input quoted in messages short, however long it was.</summary>
    public static string Truncate(string value, int max = 64) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
}
