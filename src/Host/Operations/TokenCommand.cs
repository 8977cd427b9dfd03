using System.Globalization;
using Bank.BuildingBlocks.Web.Access;
using Bank.Host.Authentication;
using Marten;

namespace Bank.Host.Operations;

/// <summary>
/// <c>Bank.Host token --operator | --customer CUSTOMER_ID [--lifetime 8h]</c>: prints, as its last line, a token signed
/// with the local key (created on first use), for local runs, scripts and tests. Exit code 2 on bad arguments.
/// </summary>
internal static class TokenCommand
{
    public const string Command = "token";

    public const string Usage =
        "Usage: Bank.Host token (--operator | --customer CUSTOMER_ID) [--lifetime 8h|30m|90s, at most 8784h] [--Key=value ...]";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    public static async Task<int> RunAsync(string[] args)
    {
        var (request, problem) = Parse(args[1..]);
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"{problem} {Usage}");
            return 2;
        }

        await using var services = OperatorServices.Build(request.Settings, connectionString: null, configure: (services, configuration) =>
            services.AddBankAuthentication(configuration));
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var token = await services.GetRequiredService<LocalSigningKey>().IssueAsync(request.Role, request.Subject, request.Lifetime, CancellationToken.None);
        Console.WriteLine(
            $"{(request.Role == BankAccess.Operator ? "An" : "A")} {request.Role} token for '{request.Subject}', valid until " +
            $"{DateTimeOffset.UtcNow + request.Lifetime:u} (and up to {BankAuthentication.ClockSkew.TotalSeconds:0} s after, the clock skew " +
            "allowed); send it as 'Authorization: Bearer <token>'.");
        Console.WriteLine(token);
        return 0;
    }

    /// <summary>The request, or what is wrong with the arguments.</summary>
    private static (Request? Request, string? Problem) Parse(string[] args)
    {
        string? role = null, subject = null;
        var lifetime = DefaultLifetime;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--operator" or "--customer" when role is not null:
                    return (null, "Give either --operator or --customer, once.");
                case "--operator":
                    (role, subject) = (BankAccess.Operator, BankAccess.Operator);
                    break;
                case "--customer" when Guid.TryParse(value, out var customerId):
                    (role, subject) = (BankAccess.Customer, customerId.ToString("D"));
                    i++;
                    break;
                case "--customer":
                    return (null, $"--customer needs the customer's id, a GUID{(value is null ? "" : $"; '{value}' is not one")}.");
                case "--lifetime" when TryParseLifetime(value, out var parsed):
                    lifetime = parsed;
                    i++;
                    break;
                case "--lifetime":
                    return (null,
                        $"--lifetime needs a whole number of hours, minutes or seconds (8h, 30m, 90s), at most {MaxLifetime.TotalDays:0} days " +
                        $"({MaxLifetime.TotalHours:0}h){(value is null ? "" : $"; '{value}' is not one")}.");
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    settings.Add(setting);
                    break;
                default:
                    return (null, $"Unexpected '{args[i]}'.");
            }
        }

        return role is null ? (null, "Give --operator or --customer CUSTOMER_ID.") : (new Request(role, subject!, lifetime, [.. settings]), null);
    }

    // 8h, 30m, 90s: short enough to type, and a unit always, so that "8" is not mistaken for seconds.
    private static bool TryParseLifetime(string? text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (text is null || text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return false;
        }

        lifetime = text[^1] switch
        {
            'h' => TimeSpan.FromHours(count),
            'm' => TimeSpan.FromMinutes(count),
            's' => TimeSpan.FromSeconds(count),
            _ => default,
        };
        return lifetime > TimeSpan.Zero && lifetime <= MaxLifetime;
    }

    private sealed record Request(string Role, string Subject, TimeSpan Lifetime, string[] Settings);
}
