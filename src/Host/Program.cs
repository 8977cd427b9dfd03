using Bank.Accounts;
using Bank.BuildingBlocks.Web;
using Bank.Customers;
using Bank.Host;
using Bank.Host.Authentication;
using Bank.Host.Operations;
using Bank.Host.OperatorConsole;
using Scalar.AspNetCore;

if (args is [StandaloneKafkaBroker.Command, .. var brokerArgs])
{
    return StandaloneKafkaBroker.Run(brokerArgs);
}

try
{
    if (args is [QueryModelCommands.Verify or QueryModelCommands.Rebuild, ..])
    {
        return await QueryModelCommands.RunAsync(args);
    }

    if (args is [DeadLetterCommands.Command, ..])
    {
        return await DeadLetterCommands.RunAsync(args);
    }

    if (args is [SchemaCommands.Command, ..])
    {
        return await SchemaCommands.RunAsync(args);
    }

    if (args is [TokenCommand.Command, ..])
    {
        return await TokenCommand.RunAsync(args);
    }
}
catch (BadSettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

// Settings may follow as --Key=value; anything else is a mistyped command, which must not start the server.
if (args is [var unknown, ..] && !unknown.StartsWith('-'))
{
    Console.Error.WriteLine($"Unknown command '{unknown}'. Usage: Bank.Host [verify | rebuild [customers|accounts] | dead-letters [list|replay|discard ...] | schemas [check|update] | token (--operator | --customer ID) | kafka-broker [--port N] [--partitions N]] [--Key=value ...]");
    return 2;
}

// Settings are read from next to the executable, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = WebConventions.MaxRequestBodyBytes;
    kestrel.Limits.MaxRequestHeadersTotalSize = WebConventions.MaxRequestHeadersBytes;
});
builder.Services.AddApiConventions();
builder.Services.AddOpenApi(OpenApiConventions.Apply);
builder.Services.AddBank(builder.Configuration);
builder.Services.AddOperations();
builder.Services.AddBankAuthentication(builder.Configuration);
builder.Services.AddBankHealthChecks();
builder.Services.AddBankTelemetry(builder.Configuration);
builder.Services.AddOperatorConsole();

if (Configuration.Problems(builder.Services, builder.Configuration) is { Count: > 0 } problems)
{
    problems.ToList().ForEach(Console.Error.WriteLine);
    return 1;
}

var app = builder.Build();

app.UseApiConventions();
app.UseBankAuthentication();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference(scalar => scalar.AddPreferredSecuritySchemes(OpenApiConventions.BearerScheme)).AllowAnonymous();
app.MapBankHealthChecks();
app.MapBankMetrics();
app.MapOperatorConsole();

app.MapCustomersEndpoints();
app.MapAccountsEndpoints();

try
{
    await app.StartAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Another process took the address after it was looked at.
    Console.Error.WriteLine(Configuration.AddressInUse(string.Join(", ", app.Urls)));
    return 1;
}

await app.WaitForShutdownAsync();
return 0;

/// <summary>The entry point, visible to the API tests' WebApplicationFactory.</summary>
public partial class Program;
