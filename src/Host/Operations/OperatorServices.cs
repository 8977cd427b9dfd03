using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Bank.Messaging;
using Bank.Messaging.Relay;
using Npgsql;

namespace Bank.Host.Operations;

internal static class OperatorServices
{
    private static readonly TimeSpan OperatorStatementTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The host's services without its web front, relay or consumers; optionally on another database or transport.</summary>
    public static ServiceProvider Build(
        string[] args, string? connectionString, MessagingTransport transport = MessagingTransport.InMemory, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            [$"{RelayOptions.SectionName}:{nameof(RelayOptions.Enabled)}"] = "false",
            [$"{MessagingOptions.SectionName}:{nameof(MessagingOptions.ConsumersEnabled)}"] = "false",
            [$"{MessagingOptions.SectionName}:{nameof(MessagingOptions.Transport)}"] = transport.ToString(),
        });
        // Operator commands run statements over whole tables: the host's per-statement bound is for requests.
        var problems = new List<string>();
        var database = SettingSections.Read<DatabaseSettings>(builder.Configuration, problems);
        if (problems.Count > 0)
        {
            throw new BadSettingsException([.. problems.Select(problem => $"Configuration error: {problem}")]);
        }

        var connection = new NpgsqlConnectionStringBuilder(connectionString ?? database.Postgres)
        {
            CommandTimeout = (int)OperatorStatementTimeout.TotalSeconds,
        };
        builder.Configuration[$"{DatabaseSettings.SectionName}:{nameof(DatabaseSettings.Postgres)}"] = connection.ConnectionString;

        builder.Services.AddBank(builder.Configuration);
        configure?.Invoke(builder.Services, builder.Configuration);
        if (Configuration.Problems(builder.Services, builder.Configuration) is { Count: > 0 } bad)
        {
            throw new BadSettingsException(bad);
        }

        return builder.Services.BuildServiceProvider();
    }
}
