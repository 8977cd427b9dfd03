using Microsoft.AspNetCore.Http;

namespace Bank.BuildingBlocks.Web;

/// <summary>An answer with a <c>Retry-After</c> header.</summary>
internal sealed class WithRetryAfter(IResult answer, int seconds) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return answer.ExecuteAsync(httpContext);
    }
}
