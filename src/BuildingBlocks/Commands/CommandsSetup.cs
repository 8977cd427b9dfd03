using Bank.BuildingBlocks.Settings;
using Bank.BuildingBlocks.Web.Idempotency;
using Microsoft.Extensions.Configuration;

namespace Bank.BuildingBlocks.Commands;

public static class CommandsSetup
{
    /// <summary>The commands' one path, its group commit, and the answers it keeps under idempotency keys.</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdempotentCommands();
        services.AddSettings<CommandOptions>(configuration);
        services.AddSingleton<CommandGroups>();
        services.AddHostedService(provider => provider.GetRequiredService<CommandGroups>());
        services.AddScoped<CommandPath>();
        return services;
    }
}
