using Bank.Accounts.Contracts;
using Bank.Accounts.Deposit;
using Bank.Accounts.Domain;
using Bank.Accounts.OpenAccount;
using Bank.Accounts.Withdraw;
using Bank.BuildingBlocks.EventSourcing;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Accounts;

/// <summary>Everything the host needs to run the Accounts module.</summary>
public static class AccountsModule
{
    /// <summary>The database schema that holds this module's documents.</summary>
    public const string SchemaName = "accounts";

    public static IServiceCollection AddAccountsModule(this IServiceCollection services)
    {
        services.AddEventTypes(AccountEvents.AggregateType, AccountEvents.TypeNames);
        services.ConfigureMarten(options =>
        {
            options.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
            options.Schema.For<Account>().DatabaseSchemaName(SchemaName);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapAccountsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenAccount();
        app.MapDeposit();
        app.MapWithdraw();
        return app;
    }
}
