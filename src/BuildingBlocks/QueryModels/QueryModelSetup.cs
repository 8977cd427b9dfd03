using Bank.BuildingBlocks.Notifications;
using Bank.BuildingBlocks.Settings;
using Microsoft.Extensions.Configuration;

namespace Bank.BuildingBlocks.QueryModels;

public static class QueryModelSetup
{
    /// <summary>Queries that wait for their own writes (<see cref="QueryModelOptions.MaxWait"/>).</summary>
    public static IServiceCollection AddQueryModelWaits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<QueryModelOptions, QueryModelWaits>(configuration, settings => new QueryModelWaits(settings.MaxWait));
        services.AddDatabaseNotifications();
        services.AddSingleton<QueryModelAnnouncements>();
        services.AddSingleton<IChannelListener, QueryModelChanges>();
        return services;
    }
}
