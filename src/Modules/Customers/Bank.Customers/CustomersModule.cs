using Bank.BuildingBlocks.EventSourcing;
using Bank.Customers.Contracts;
using Bank.Customers.CreateCustomer;
using Bank.Customers.Domain;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bank.Customers;

/// <summary>Everything the host needs to run the Customers module.</summary>
public static class CustomersModule
{
    /// <summary>The database schema that holds this module's documents.</summary>
    public const string SchemaName = "customers";

    public static IServiceCollection AddCustomersModule(this IServiceCollection services)
    {
        services.AddEventTypes(CustomerEvents.AggregateType, CustomerEvents.TypeNames);
        services.ConfigureMarten(options =>
        {
            options.Projections.Snapshot<Customer>(SnapshotLifecycle.Inline);
            options.Schema.For<Customer>().DatabaseSchemaName(SchemaName);
            options.Schema.For<EmailReservation>().DatabaseSchemaName(SchemaName);
        });
        services.AddScoped<ICustomerDirectory, CustomerDirectory>();
        return services;
    }

    public static IEndpointRouteBuilder MapCustomersEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapCreateCustomer();
        return app;
    }
}
