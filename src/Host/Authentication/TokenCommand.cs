using System.Globalization;
using Bank.BuildingBlocks.Web.Access;
using Marten;

namespace Bank.Host.Authentication;

/// <summary>
/// <c>Bank.Host token --operator | --customer CUSTOMER_ID [--lifetime 8h]</c>: prints, as its last line, a token signed
/// with the local key (created on first use), for local runs, scripts and tests. Exit code 2 on bad arguments.
/// </summary>
internal static class TokenCommand
{
    public const string Command = "token";

    public const string Usage =
        "Usage: Bank.Host token (--operator | --customer CUSTOMER_ID) [--lifetime 8h|30m|90s] [--Key=value ...]";

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args[1..]) is not { } request)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        await using var services = QueryModelCommands.BuildServices(request.Settings, connectionString: null, configure: (services, configuration) =>
            services.AddBankAuthentication(configuration));
        await services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var token = await services.GetRequiredService<LocalSigningKey>().IssueAsync(request.Role, request.Subject, request.Lifetime, CancellationToken.None);
        Console.WriteLine(
            $"A {request.Role} token for '{request.Subject}', valid until {DateTimeOffset.UtcNow + request.Lifetime:u}; send it as 'Authorization: Bearer <token>'.");
        Console.WriteLine(token);
        return 0;
    }

    private static Request? Parse(string[] args)
    {
        string? role = null, subject = null;
        var lifetime = DefaultLifetime;
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--operator" when role is null:
                    (role, subject) = (BankAccess.Operator, BankAccess.Operator);
                    break;
                case "--customer" when role is null && i + 1 < args.Length && Guid.TryParse(args[i + 1], out var customerId):
                    (role, subject) = (BankAccess.Customer, customerId.ToString("D"));
                    i++;
                    break;
                case "--lifetime" when i + 1 < args.Length && TryParseLifetime(args[i + 1], out var parsed):
                    lifetime = parsed;
                    i++;
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    settings.Add(setting);
                    break;
                default:
                    return null;
            }
        }

        return role is null ? null : new Request(role, subject!, lifetime, [.. settings]);
    }

    // 8h, 30m, 90s: short enough to type, and a unit always, so that "8" is not mistaken for seconds.
    private static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
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
        return lifetime > TimeSpan.Zero && lifetime <= TimeSpan.FromDays(366);
    }

    private sealed record Request(string Role, string Subject, TimeSpan Lifetime, string[] Settings);
}
