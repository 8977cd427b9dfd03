using System.Net;
using System.Net.Sockets;
using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>Mistakes when starting the host: a clear line and an exit code, never a running server or a stack trace.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_mistyped_command_exits_2_with_the_usage_instead_of_starting_the_server()
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string>(), "verfiy");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Unknown command 'verfiy'. Usage: Bank.Host [verify | rebuild", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ExchangeRates:Rates:GBP", "0.85", "ExchangeRates:Rates:GBP='0.85': 'GBP' is not a currency of the bank (EUR, CAD, USD).")]
    [InlineData("ExchangeRates:Rates:EUR", "abc", "ExchangeRates:Rates:EUR='abc': must be a positive number, such as 1.08.")]
    [InlineData("Kafka:Partitions", "abc", "Kafka:Partitions='abc': must be a whole number.")]
    [InlineData("Kafka:Partitions", "0", "Kafka:Partitions='0': must be a positive number.")]
    [InlineData("QueryModels:MaxWait", "abc", "QueryModels:MaxWait='abc': must be a duration such as 00:00:05 (5 seconds).")]
    [InlineData("QueryModels:MaxWait", "00:05:00", "QueryModels:MaxWait='00:05:00': must be more than 0 and at most 00:01:00.")]
    [InlineData("Relay:StalledAfter", "00:00:01", "Relay:StalledAfter='00:00:01': must be from 00:00:05 to 01:00:00.")]
    [InlineData("Customers:ReportingCurrency", "GBP", "Customers:ReportingCurrency='GBP': must be one of EUR, CAD, USD.")]
    [InlineData("Messaging:Transport", "Rabbit", "Messaging:Transport='Rabbit': must be one of Kafka, InMemory.")]
    [InlineData("Messaging:ConsumersEnabled", "nah", "Messaging:ConsumersEnabled='nah': must be true or false.")]
    [InlineData("Relay:Enabled", "maybe", "Relay:Enabled='maybe': must be true or false.")]
    [InlineData("Auth:AnonymousMetrics", "yes", "Auth:AnonymousMetrics='yes': must be true or false.")]
    [InlineData("Auth:SigningKey", "short", "Auth:SigningKey: must be base64 of at least 32 bytes (openssl rand -base64 32).")]
    [InlineData("ConnectionStrings:Postgres", "Host=127.0.0.1;Bogus Key=1;Password=secret", "ConnectionStrings:Postgres: is not a PostgreSQL connection string")]
    public async Task A_bad_setting_stops_the_host_with_exit_code_1_and_one_line_naming_it(string key, string value, string expected)
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { [key] = value });

        Assert.Equal(1, exitCode);
        Assert.Single(output.Trim().Split('\n'));
        Assert.StartsWith($"Configuration error: {expected}", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_setting_is_named_at_once()
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string>
        {
            ["Relay:Enabled"] = "maybe",
            ["Kafka:Partitions"] = "0",
        });

        Assert.Equal(1, exitCode);
        Assert.Equal(2, output.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task An_operator_command_with_a_bad_setting_exits_1_with_the_same_line()
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { ["QueryModels:MaxWait"] = "abc" }, "verify");

        Assert.Equal(1, exitCode);
        Assert.Equal("Configuration error: QueryModels:MaxWait='abc': must be a duration such as 00:00:05 (5 seconds).", output.Trim());
    }

    [Fact]
    public async Task An_address_in_use_stops_the_host_with_exit_code_1_and_one_line_saying_what_to_set()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = address });

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"Cannot listen on {address}: the address is already in use. Stop what holds it, or set ASPNETCORE_URLS to another address " +
            "(ASPNETCORE_URLS=http://127.0.0.1:5081 scripts/run.sh).",
            output.Trim());
    }
}
