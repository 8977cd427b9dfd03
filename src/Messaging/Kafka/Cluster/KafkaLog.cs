using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace Bank.Messaging.Kafka.Cluster;

/// <summary>
/// Routes one Kafka client's log lines and errors into the host's logging instead of stderr. A warning or error is
/// logged once a minute at most, with how many like it were held back: an unreachable broker would otherwise log
/// every reconnection attempt of every client, thousands of lines a minute.
/// </summary>
internal sealed partial class KafkaLog(ILogger logger, TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset Next, int HeldBack)> _recent = new(StringComparer.Ordinal);

    public KafkaLog(ILogger logger)
        : this(logger, TimeProvider.System)
    {
    }

    public void Write(LogMessage message) => Log(
        message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        },
        $"librdkafka {message.Facility}: {message.Message}");

    /// <summary>An error the client reported through its error handler, for <paramref name="client"/> ("Kafka producer", ...).</summary>
    public void Error(string client, Error error) => Log(LogLevel.Warning, $"{client}: {error.Reason}");

    private void Log(LogLevel level, string message)
    {
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var heldBack = 0;
        if (level >= LogLevel.Warning)
        {
            // Lines that differ only in numbers (ports, counts, milliseconds) are alike.
            var kind = Numbers().Replace(message, "#");
            lock (_lock)
            {
                var now = clock.GetUtcNow();
                if (_recent.TryGetValue(kind, out var recent) && now < recent.Next)
                {
                    _recent[kind] = recent with { HeldBack = recent.HeldBack + 1 };
                    return;
                }

                heldBack = recent.HeldBack;
                _recent[kind] = (now + Interval, 0);
            }
        }

        if (heldBack > 0)
        {
            logger.Log(level, "{Message} ({HeldBack} more like it in the last minute)", message, heldBack);
        }
        else
        {
            logger.Log(level, "{Message}", message);
        }
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
