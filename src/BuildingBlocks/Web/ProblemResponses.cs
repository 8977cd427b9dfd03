using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Web;

/// <summary>The problems an endpoint declares in the API description, by the kind of endpoint it is.</summary>
public static class ProblemResponses
{
    /// <summary>
    /// A read: a malformed id, page or <c>minVersion</c> (400), something that does not exist or is not the caller's (404),
    /// and a <c>minVersion</c> its query model did not reach in time (503).
    /// </summary>
    public static RouteHandlerBuilder ProducesReadProblems(this RouteHandlerBuilder endpoint) =>
        endpoint
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// A command on what exists already: invalid input (400), something that does not exist or is not the caller's (404),
    /// and, when <paramref name="refusable"/>, a rule of the bank that refuses it (422).
    /// </summary>
    public static RouteHandlerBuilder ProducesCommandProblems(this RouteHandlerBuilder endpoint, bool refusable)
    {
        endpoint.ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return refusable ? endpoint.ProducesProblem(StatusCodes.Status422UnprocessableEntity) : endpoint;
    }
}
