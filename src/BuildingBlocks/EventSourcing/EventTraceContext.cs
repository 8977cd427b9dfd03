using System.Diagnostics;

namespace Bank.BuildingBlocks.EventSourcing;

/// <summary>The W3C trace context stored with each event, so that a trace continues from the command to its consumers.</summary>
public static class EventTraceContext
{
    /// <summary>The event header, and the Kafka header, that carries it.</summary>
    public const string HeaderName = "traceparent";

    public static string? Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
