using Bank.Messaging;
using Bank.Messaging.Kafka.Parking;
using Marten;

namespace Bank.Host.Operations;

/// <summary>
/// <c>Bank.Host dead-letters [list | replay [--group G] [--key K] | discard [--group G] --key K [--event EVENT_ID]]</c>:
/// the operator's tools for keys a consumer group parked. Safe while hosts run.
/// </summary>
internal static class DeadLetterCommands
{
    public const string Command = "dead-letters";

    public const string Usage =
        "Usage: Bank.Host dead-letters [list | replay [--group G] [--key K] | discard [--group G] --key K [--event EVENT_ID]] [--Key=value ...]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args[1..]) is not { } request)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        await using var services = OperatorServices.Build(request.Settings, connectionString: null, transport: MessagingTransport.Kafka);
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var deadLetters = services.GetRequiredService<DeadLetters>();
        if (request.Group is { } group && !deadLetters.Groups.Contains(group))
        {
            await Console.Error.WriteLineAsync($"Unknown consumer group '{group}'. Groups: {string.Join(", ", deadLetters.Groups)}.");
            return 2;
        }

        switch (request.Action)
        {
            case "replay":
                var replayed = await deadLetters.ReplayAsync(request.Group, request.Key, CancellationToken.None);
                foreach (var key in replayed)
                {
                    Console.WriteLine(key.StillParked == 0
                        ? $"{key.Group} {key.Topic} {key.Key}: {key.Handled} event(s) handled; no longer parked."
                        : $"{key.Group} {key.Topic} {key.Key}: {key.Handled} event(s) handled; still parked with {key.StillParked}: {key.Error}");
                }

                Console.WriteLine(replayed.Count == 0 ? "No parked key matches." : $"{replayed.Count(k => k.StillParked == 0)} of {replayed.Count} key(s) un-parked.");
                return replayed.Any(k => k.StillParked > 0) ? 1 : 0;
            case "discard":
                var dropped = await deadLetters.DiscardAsync(request.Group, request.Key!, request.EventId, CancellationToken.None);
                foreach (var message in dropped)
                {
                    Console.WriteLine($"Discarded {message.Group} {message.Topic} {message.Key}: version {Show(message.FirstStreamVersion)}, event {Show(message.FirstEventId)} ({message.Error})");
                }

                Console.WriteLine(dropped.Count == 0 ? "No parked message matches." : $"{dropped.Count} parked message(s) discarded; run 'dead-letters replay' for the rest.");
                return 0;
            default:
                var parked = await deadLetters.ListAsync(CancellationToken.None);
                foreach (var key in parked)
                {
                    Console.WriteLine(
                        $"{key.Group} {key.Topic} {key.Key}: {key.Count} event(s) set aside; first at version {Show(key.FirstStreamVersion)}, " +
                        $"event {Show(key.FirstEventId)}: {key.Error}");
                }

                Console.WriteLine(parked.Count == 0 ? "No key is parked." : $"{parked.Count} key(s) parked.");
                return 0;
        }
    }

    private static string Show<T>(T? value)
        where T : struct => value?.ToString() ?? "-";

    private static Request? Parse(string[] args)
    {
        var action = args is [var first, ..] && !first.StartsWith('-') ? first : "list";
        var rest = args.Length > 0 && args[0] == action ? args[1..] : args;
        if (action is not ("list" or "replay" or "discard"))
        {
            return null;
        }

        string? group = null, key = null, eventId = null;
        var settings = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--group" when i + 1 < rest.Length && action != "list":
                    group = rest[++i];
                    break;
                case "--key" when i + 1 < rest.Length && action != "list":
                    key = rest[++i];
                    break;
                case "--event" when i + 1 < rest.Length && action == "discard":
                    eventId = rest[++i];
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    settings.Add(setting);
                    break;
                default:
                    return null;
            }
        }

        Guid? parsedEventId = null;
        if (eventId is not null)
        {
            if (!Guid.TryParse(eventId, out var parsed))
            {
                return null;
            }

            parsedEventId = parsed;
        }

        return action == "discard" && key is null ? null : new Request(action, group, key, parsedEventId, [.. settings]);
    }

    private sealed record Request(string Action, string? Group, string? Key, Guid? EventId, string[] Settings);
}
