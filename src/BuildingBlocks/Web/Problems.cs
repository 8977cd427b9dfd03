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

    public static IResult InvalidId(string field, string value) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [$"'{Truncate(value)}' is not a valid id (expected a GUID)."] },
            title: "The request is invalid.");

    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static IResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static IResult Unprocessable(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: title, detail: detail);

    /// <summary>Keeps user input quoted in messages short, however long it was.</summary>
    public static string Truncate(string value, int max = 64) =>
        value.Length <= max ? value : string.Concat(value.AsSpan(0, max), "…");
}
