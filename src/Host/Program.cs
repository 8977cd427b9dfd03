using Bank.Accounts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.BuildingBlocks.Messaging;
using Bank.BuildingBlocks.Money;
using Bank.BuildingBlocks.Web;
using Bank.Customers;
using Bank.Host;
using Scalar.AspNetCore;

if (args is [StandaloneKafkaBroker.Command, .. var brokerArgs])
{
    return StandaloneKafkaBroker.Run(brokerArgs);
}

var builder = WebApplication.CreateBuilder(args);

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = WebConventions.MaxRequestBodyBytes);
builder.Services.AddApiConventions();
builder.Services.AddOpenApi();
builder.Services.AddExchangeRates(builder.Configuration);
var eventStore = builder.Services.AddEventStore(builder.Configuration);
builder.Services.AddBankHealthChecks(builder.Configuration);

builder.Services.AddCustomersModule(builder.Configuration);
builder.Services.AddAccountsModule();
builder.Services.AddEventBroadcasting(builder.Configuration, eventStore, bus =>
{
    bus.AddCustomersConsumers();
    bus.AddAccountsConsumers();
});

var app = builder.Build();

app.UseApiConventions();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapBankHealthChecks();

app.MapCustomersEndpoints();
app.MapAccountsEndpoints();

app.Run();
return 0;

/// <summary>The entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
