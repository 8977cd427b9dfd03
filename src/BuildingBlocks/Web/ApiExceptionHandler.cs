using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;

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
            _ when IsDatabaseUnavailable(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = "The database cannot be reached. Nothing was changed; retry later.",
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
        if (FindInner<JsonException>(exception) is { } json)
        {
            var field = FieldOf(json.Path);
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [field == "body"
                    ? "The request body is not valid JSON."
                    : $"The value of '{field}' is missing, of the wrong type or out of range."],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body could not be read.",
                Detail = json.Path is null
                    ? "The request body is not valid JSON."
                    : $"Invalid JSON at '{json.Path}'" + (json.LineNumber is { } line ? $" (line {line + 1})." : "."),
            };
            return problem;
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Title = exception.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
                _ => "The request could not be read.",
            },
            Detail = exception.StatusCode == StatusCodes.Status400BadRequest && exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? "A JSON request body is required."
                : exception.Message,
        };
    }

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

    private static bool IsDatabaseUnavailable(Exception exception) =>
        FindInner<NpgsqlException>(exception) is { } npgsql
            && (npgsql.InnerException is SocketException or TimeoutException or IOException
                || npgsql is { IsTransient: true } and not PostgresException);

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
