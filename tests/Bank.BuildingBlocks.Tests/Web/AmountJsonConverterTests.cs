using System.Text.Json;
using System.Text.Json.Serialization;
using Bank.BuildingBlocks.Web;
using Xunit;

namespace Bank.BuildingBlocks.Tests.Web;

public sealed class AmountJsonConverterTests
{
    private sealed record Request([property: JsonConverter(typeof(AmountJsonConverter))] decimal? Amount);

    [Theory]
    [InlineData("0.01", "0.01")]
    [InlineData("5", "5")]
    [InlineData("5.0", "5")]
    [InlineData("10.500", "10.5")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5E+2", "150")]
    [InlineData("12345e-2", "123.45")]
    [InlineData("1000000000", "1000000000")]
    [InlineData("1000000000.00", "1000000000")]
    public void An_amount_is_read_exactly_as_written(string json, string expected)
    {
        var read = Read(json);

        Assert.Equal(expected, read?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1.000000000000000000000000000001", "Must have at most 2 decimal places.")]
    [InlineData("0.001", "Must have at most 2 decimal places.")]
    [InlineData("1e-3", "Must have at most 2 decimal places.")]
    [InlineData("1e30", "Must be at most 1,000,000,000.")]
    [InlineData("1e999999999999", "Must be at most 1,000,000,000.")]
    [InlineData("12345678901234567890123456789012", "Must be at most 1,000,000,000.")]
    [InlineData("1000000000.01", "Must be at most 1,000,000,000.")]
    [InlineData("0", "Must be greater than 0.")]
    [InlineData("-0", "Must be greater than 0.")]
    [InlineData("-1e30", "Must be greater than 0.")]
    [InlineData("1e-999999999999", "Must have at most 2 decimal places.")]
    [InlineData("\"10\"", "Must be a JSON number (not a string), such as 10.50.")]
    public void An_amount_that_breaks_a_rule_says_which(string json, string message)
    {
        var error = Assert.Throws<InvalidJsonValue>(() => Read(json));

        Assert.Equal(message, error.Message);
        Assert.Equal("$.amount", error.Path);
    }

    [Fact]
    public void Equal_amounts_written_differently_serialize_alike() =>
        Assert.Equal(
            JsonSerializer.Serialize(JsonSerializer.Deserialize<Request>("""{"amount":5}""", JsonSerializerOptions.Web)),
            JsonSerializer.Serialize(JsonSerializer.Deserialize<Request>("""{"amount":5.00}""", JsonSerializerOptions.Web)));

    private static decimal? Read(string amount) =>
        JsonSerializer.Deserialize<Request>($$"""{"amount":{{amount}}}""", JsonSerializerOptions.Web)!.Amount;
}
