using System.Diagnostics;

namespace Bank.Messaging.Telemetry;

/// <summary>The name of the meter and of the activity source of the event pipeline (OpenTelemetry).</summary>
public static class MessagingTelemetry
{
    public const string Name = "Bank.Messaging";

    internal static readonly ActivitySource Activities = new(Name);

    /// <summary>A span of the trace the event's command started (<paramref name="traceParent"/>), or null when nobody listens.</summary>
    internal static Activity? StartSpan(string name, ActivityKind kind, string? traceParent) =>
        Activities.StartActivity(
            name, kind, ActivityContext.TryParse(traceParent, null, out var parent) ? parent : default);
}
