using Bank.BuildingBlocks.Web.Idempotency;

namespace Bank.BuildingBlocks.Commands;

public static class CommandsSetup
{
    /// <summary>The commands' one path, and the answers it keeps under idempotency keys.</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddIdempotentCommands();
        services.AddScoped<CommandPath>();
        return services;
    }
}
