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
        string[] args, string? connectionString, MessagingTransport transport = MessagingTransport.InMemory, Action<IServiceCollection, IConfiguration>? configure = null) =>
        Build(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory }, connectionString, transport, configure);

    /// <summary>The same, with a running host's settings (<paramref name="settings"/>) rather than a command line.</summary>
    public static ServiceProvider Build(IConfiguration settings, string connectionString) =>
        Build(
            new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory },
            connectionString,
            MessagingTransport.InMemory,
            configure: null,
            settings);

    private static ServiceProvider Build(
        HostApplicationBuilderSettings start,
        string? connectionString,
        MessagingTransport transport,
        Action<IServiceCollection, IConfiguration>? configure,
        IConfiguration? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(start);
        if (settings is not null)
        {
            builder.Configuration.AddConfiguration(settings);
        }

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
        builder.Services.AddOperations();
        configure?.Invoke(builder.Services, builder.Configuration);
        if (Configuration.SettingProblems(builder.Services) is { Count: > 0 } bad)
        {
            throw new BadSettingsException(bad);
        }

        return builder.Services.BuildServiceProvider();
    }
}
