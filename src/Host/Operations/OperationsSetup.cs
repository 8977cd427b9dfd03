using Marten;

namespace Bank.Host.Operations;

internal static class OperationsSetup
{
    /// <summary>What the operator's commands and the console share: this instance's identity and the rebuilds.</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSingleton<HostInstanceIdentity>();
        services.AddSingleton<RebuildRuns>();
        services.AddSingleton<QueryModelRebuild>();
        services.ConfigureMarten(RebuildRuns.Register);
        return services;
    }
}
