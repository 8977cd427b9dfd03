using Bank.Accounts.Contracts;
using Bank.Accounts.Deposit;
using Bank.Accounts.Domain;
using Bank.Accounts.GetAccountDetails;
using Bank.Accounts.GetAccountStatement;
using Bank.Accounts.OpenAccount;
using Bank.Accounts.Transfer;
using Bank.Accounts.Withdraw;
using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using JasperFx.Events.Projections;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Accounts;

/// <summary>Everything the host needs to run the Accounts module.</summary>
public static class AccountsModule
{
    /// <summary>The database schema that holds this module's documents.</summary>
    public const string SchemaName = "accounts";

    /// <summary>The module's name; also its consumer group and in-memory endpoint.</summary>
    public const string Name = "accounts";

    public static IServiceCollection AddAccountsModule(this IServiceCollection services)
    {
        services.AddEventTypes(AccountEvents.AggregateType, AccountEvents.TypeNames, AccountEvents.Upcasts);
        services.ConfigureMarten(options =>
        {
            options.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
            options.Schema.For<Account>().DatabaseSchemaName(SchemaName);
            options.Schema.For<AccountDetails>().DatabaseSchemaName(SchemaName);
            options.Schema.For<AccountOwner>().DatabaseSchemaName(SchemaName);
            options.Schema.For<StatementLine>().DatabaseSchemaName(SchemaName).Duplicate(line => line.AccountId);
        });
        services.AddScoped<IAccountDirectory, AccountDirectory>();
        return services;
    }

    /// <summary>The consumers that keep the module's query models, each retried before its message is dead-lettered.</summary>
    public static void AddAccountsConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddModuleConsumer<AccountDetailsConsumer>(Name, consumer => consumer.UseMessageRetry(QueryModelRetry.Configure));
        bus.AddModuleConsumer<AccountOwnerConsumer>(Name, consumer => consumer.UseMessageRetry(QueryModelRetry.Configure));
        bus.AddModuleConsumer<AccountStatementConsumer>(Name, consumer => consumer.UseMessageRetry(QueryModelRetry.Configure));
    }

    public static IEndpointRouteBuilder MapAccountsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenAccount();
        app.MapDeposit();
        app.MapWithdraw();
        app.MapTransfer();
        app.MapGetAccountDetails();
        app.MapGetAccountStatement();
        return app;
    }
}
