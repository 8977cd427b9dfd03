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
    [InlineData("ExchangeRates:Rates:GBP", "0.85", "Configuration error: ExchangeRates:Rates:GBP=0.85: 'GBP' is not a currency of the bank (EUR, CAD, USD).")]
    [InlineData("ExchangeRates:Rates:EUR", "abc", "Configuration error: ExchangeRates:Rates:EUR=abc: a rate must be a positive number, such as 1.08.")]
    [InlineData("Kafka:Partitions", "abc", "Configuration error: Failed to convert configuration value 'abc' at 'Kafka:Partitions' to type 'System.Int32'.")]
    [InlineData("Kafka:Partitions", "0", "Configuration error: Kafka:Partitions=0: must be positive.")]
    public async Task A_bad_setting_stops_the_host_with_exit_code_1_and_one_line_naming_it(string key, string value, string expected)
    {
        var (exitCode, output) = await HostProcess.RunCommandAsync(new Dictionary<string, string> { [key] = value });

        Assert.Equal(1, exitCode);
        Assert.Equal(expected, output.Trim());
    }
}
