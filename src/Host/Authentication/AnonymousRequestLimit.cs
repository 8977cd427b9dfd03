using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Bank.Host.Authentication;

/// <summary>
/// Requests without a valid token: each client address may send <see cref="AuthOptions.AnonymousRequestsPerMinute"/> in a
/// minute of the clock, then gets <c>429</c> with <c>Retry-After</c> until that minute ends. Endpoints marked
/// <c>DisableRateLimiting</c> (<c>/health</c>, <c>/metrics</c>) are never counted. Counted here, with no timer, rather than by
/// ASP.NET Core's rate limiter: its partitioned limiters wake every 100 ms for good, even on a host nobody calls.
/// </summary>
internal sealed class AnonymousRequestLimit(IOptions<AuthOptions> options, TimeProvider clock) : IMiddleware
{
    private readonly int _perMinute = options.Value.AnonymousRequestsPerMinute;
    private readonly Lock _lock = new();
    private long _minute;
    private Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true || context.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
        {
            await next(context);
            return;
        }

        if (Admit(context.Connection.RemoteIpAddress?.ToString() ?? "unknown") is not { } retryAfter)
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests without a valid token.",
                Detail = $"A client address may send {_perMinute} requests a minute without a valid bearer token; send one, or wait as Retry-After says.",
            },
        });
    }

    /// <summary>Null when the request may go on; otherwise how long until its address may send again.</summary>
    private TimeSpan? Admit(string address)
    {
        var now = clock.GetUtcNow().Ticks;
        var minute = now / TimeSpan.TicksPerMinute;
        lock (_lock)
        {
            if (minute != _minute)
            {
                // A new minute forgets every address, and the memory a flood of them took.
                _minute = minute;
                _counts = new(StringComparer.Ordinal);
            }

            var count = _counts.GetValueOrDefault(address);
            if (count >= _perMinute)
            {
                return TimeSpan.FromTicks(((minute + 1) * TimeSpan.TicksPerMinute) - now);
            }

            _counts[address] = count + 1;
            return null;
        }
    }
}
