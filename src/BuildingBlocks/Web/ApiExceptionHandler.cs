using System.Net.Sockets;
using System.Text.Json;
using Bank.BuildingBlocks.EventSourcing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Bank.BuildingBlocks.Web;

/// <summary>
/// Turns failures that escape an endpoint into problem+json: the client's mistakes
/// (unreadable JSON, oversized bodies) into 4xx with a useful message, an unreachable
/// database into 503, anything else into a 500 that reveals nothing internal.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException badRequest => FromBadRequest(badRequest),
            _ when DatabaseFailures.IsUnavailable(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = FindInner<SocketException>(exception) is not null
                    ? "The database cannot be reached. Nothing was changed; retry later."
                    // A commit whose answer was lost may have been applied.
                    : "The database did not answer in time. A command may or may not have been applied: retry it later with the " +
                      "same Idempotency-Key, which applies it at most once.",
            },
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
            };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "Database unavailable for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = "5";
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (FindInner<InvalidJsonValue>(exception) is { } refused)
        {
            // The field's rule, as every other rule of a field is told in 'errors'; the detail names the field too.
            var field = FieldOf(refused.Path);
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [refused.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid.",
                Detail = $"'{field}': {refused.Message}",
            };
        }

        if (FindInner<JsonException>(exception) is { } json)
        {
            var (field, message) = Explain(json);
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body could not be read.",
                Detail = message,
            };
        }

        // 413 and 415 get their title and detail where every problem is written (WebConventions), as when the
        // framework answers them itself.
        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Title = exception.StatusCode is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType
                ? null
                : "The request could not be read.",
            Detail = exception.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType => null,
                StatusCodes.Status400BadRequest when exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                    => "A JSON request body is required: a JSON object with the command's fields.",
                _ => exception.Message,
            },
        };
    }

    /// <summary>The field at fault and what is wrong with it, in words a client can act on.</summary>
    private static (string Field, string Message) Explain(JsonException json)
    {
        var field = FieldOf(json.Path);
        var message = json.Message;
        if (message.StartsWith("Duplicate property", StringComparison.Ordinal) && QuotedName(message) is { } duplicate)
        {
            return (Problems.Truncate(duplicate), $"'{Problems.Truncate(duplicate)}' appears more than once; send each field once.");
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal) && QuotedName(message) is { } unknown)
        {
            return (Problems.Truncate(unknown), char.IsUpper(unknown, 0)
                ? $"'{Problems.Truncate(unknown)}' is not a field of this request; field names are camelCase and case-sensitive."
                : $"'{Problems.Truncate(unknown)}' is not a field of this request.");
        }

        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            if (field == "body")
            {
                return (field, "The request body must be a JSON object with the command's fields.");
            }

            // The outer message names the request type; the inner one says what the field's value could not be.
            var reason = json.InnerException?.Message ?? "";
            return (field, reason switch
            {
                _ when reason.Contains("Guid", StringComparison.Ordinal) => $"'{field}' must be a GUID, such as 6f9619ff-8b86-d011-b42d-00c04fc964ff.",
                _ when reason.Contains("as a number", StringComparison.Ordinal) || reason.Contains("Decimal", StringComparison.Ordinal)
                    => $"'{field}' must be a JSON number (not a string), such as 10.50, with at most 28 digits.",
                _ when reason.Contains("as a string", StringComparison.Ordinal) => $"'{field}' must be a string.",
                _ when reason.Contains("as a boolean", StringComparison.Ordinal) => $"'{field}' must be true or false.",
                _ => $"'{field}' has the wrong type.",
            });
        }

        return ("body", $"The request body is not valid JSON{(json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "")}.");
    }

    private static string? QuotedName(string message) =>
        message.IndexOf('\'') is >= 0 and var start && message.IndexOf('\'', start + 1) is > 0 and var end ? message[(start + 1)..end] : null;

    /// <summary>"$.amount" becomes "amount", "$.owner.name" becomes "owner.name"; the root becomes "body".</summary>
    private static string FieldOf(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "body";
        }

        var field = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        return field.Length == 0 ? "body" : Problems.Truncate(field);
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
