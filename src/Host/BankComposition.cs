using Bank.Accounts;
using Bank.BuildingBlocks.Commands;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.QueryModels;
using Bank.Customers;
using Bank.Messaging;

namespace Bank.Host;

/// <summary>The bank without its web front: event store, modules, broadcasting. Shared by the host and its commands.</summary>
internal static class BankComposition
{
    public static IServiceCollection AddBank(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExchangeRates(configuration);
        var eventStore = services.AddEventStore(configuration);
        services.AddQueryModelWaits(configuration);
        services.AddCommands(configuration);
        services.AddCustomersModule(configuration);
        services.AddAccountsModule();
        services.AddEventBroadcasting(configuration, eventStore, bus =>
        {
            bus.AddCustomersConsumers();
            bus.AddAccountsConsumers();
        });
        return services;
    }
}
