using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Bank.BuildingBlocks.Notifications;

public static class NotificationsSetup
{
    /// <summary>
    /// The host's PostgreSQL notifications: one connection listening for every <see cref="IChannelListener"/>, and one
    /// <see cref="DatabaseNotifier"/> sending. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddDatabaseNotifications(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => NpgsqlDataSource.Create(provider.Settings<DatabaseSettings>().Postgres!));
        if (services.Any(service => service.ServiceType == typeof(DatabaseNotifier)))
        {
            return services;
        }

        services.AddSingleton<DatabaseNotifier>();
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseNotifier>());
        services.AddHostedService<DatabaseNotifications>();
        return services;
    }
}
