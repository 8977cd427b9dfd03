using Bank.BuildingBlocks.Consumers;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Settings;
using Bank.Customers.Contracts;
using Bank.Customers.CreateCustomer;
using Bank.Customers.Domain;
using Bank.Customers.GetCustomerDetails;
using Bank.Customers.ListCustomers;
using JasperFx.Events.Projections;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Customers;

/// <summary>Everything the host needs to run the Customers module.</summary>
public static class CustomersModule
{
    /// <summary>The database schema that holds this module's documents.</summary>
    public const string SchemaName = "customers";

    /// <summary>The module's name; also its consumer group and in-memory endpoint.</summary>
    public const string Name = "customers";

    public static IServiceCollection AddCustomersModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEventTypes(CustomerEvents.AggregateType, CustomerEvents.TypeNames);
        services.ConfigureMarten(options =>
        {
            options.Projections.Snapshot<Customer>(SnapshotLifecycle.Inline);
            options.Schema.For<Customer>().DatabaseSchemaName(SchemaName);
            options.Schema.For<EmailReservation>().DatabaseSchemaName(SchemaName);
            options.Schema.For<CustomerDetails>().DatabaseSchemaName(SchemaName).Index(customer => customer.CreatedAt);
            options.Schema.For<CustomerAccount>().DatabaseSchemaName(SchemaName).Index(account => account.CustomerId);
        });
        services.AddScoped<ICustomerDirectory, CustomerDirectory>();

        services.AddSettings<CustomersOptions, ReportingCurrency>(configuration, settings => settings.Reporting);
        return services;
    }

    /// <summary>The consumers that keep the module's query models, each retried before its message is dead-lettered.</summary>
    public static void AddCustomersConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddModuleConsumer<CustomerDetailsConsumer>(Name, consumer => consumer.UseMessageRetry(QueryModelRetry.Configure));
        bus.AddModuleConsumer<CustomerAccountConsumer>(Name, consumer => consumer.UseMessageRetry(QueryModelRetry.Configure));
    }

    public static IEndpointRouteBuilder MapCustomersEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapCreateCustomer();
        app.MapGetCustomerDetails();
        app.MapListCustomers();
        return app;
    }
}
