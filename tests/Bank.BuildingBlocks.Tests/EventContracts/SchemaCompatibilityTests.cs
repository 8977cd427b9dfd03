using System.Text.Json.Serialization;
using Bank.BuildingBlocks.EventContracts;
using Xunit;

namespace Bank.BuildingBlocks.Tests.EventContracts;

/// <summary>Each nested class holds one shape of the same event, as a later commit could leave it.</summary>
public sealed class SchemaCompatibilityTests
{
    [Fact]
    public void An_optional_new_field_is_compatible() =>
        Assert.Empty(Compare<Released.MoneyDeposited, WithReference.MoneyDeposited>());

    [Fact]
    public void A_json_name_given_to_a_field_is_a_rename_that_breaks_readers() =>
        Assert.Equal(
            [
                "MoneyDeposited v1: field 'amount': removed or renamed",
                "MoneyDeposited v1: field 'amt': added as required; a new field must be optional",
            ],
            Compare<Released.MoneyDeposited, Renamed.MoneyDeposited>());

    [Fact]
    public void A_removed_field_breaks_readers() =>
        Assert.Equal(["MoneyDeposited v1: field 'currency': removed or renamed"], Compare<Released.MoneyDeposited, CurrencyRemoved.MoneyDeposited>());

    [Fact]
    public void A_changed_type_breaks_readers()
    {
        var violation = Assert.Single(Compare<Released.MoneyDeposited, AmountAsText.MoneyDeposited>());
        Assert.StartsWith("MoneyDeposited v1: field 'amount': type changed from {\"type\":[\"string\",\"number\"]", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_field_without_a_default_is_required_and_breaks_readers_of_earlier_events() =>
        Assert.Equal(
            ["MoneyDeposited v1: field 'channel': added as required; a new field must be optional"],
            Compare<Released.MoneyDeposited, NewRequired.MoneyDeposited>());

    [Fact]
    public void A_field_renamed_inside_a_nested_object_is_found_by_its_path() =>
        Assert.Equal(
            [
                "MoneyDeposited v1: field 'payer.name': removed or renamed",
                "MoneyDeposited v1: field 'payer.fullName': added as required; a new field must be optional",
            ],
            Compare<Released.WithPayer, Renamed.WithPayer>());

    private static List<string> Compare<TReleased, TCurrent>() =>
        [.. SchemaCompatibility.Compare(
                "MoneyDeposited",
                1,
                WireSchema.Of(typeof(TReleased), "MoneyDeposited", 1),
                WireSchema.Of(typeof(TCurrent), "MoneyDeposited", 1))
            .Select(violation => violation.ToString())];

    private static class Released
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency);

        public sealed record WithPayer(Guid AccountId, Payer Payer);

        public sealed record Payer(string Name);
    }

    private static class WithReference
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency, string? Reference = null);
    }

    private static class Renamed
    {
        public sealed record MoneyDeposited(Guid AccountId, [property: JsonPropertyName("amt")] decimal Amount, string Currency);

        public sealed record WithPayer(Guid AccountId, Payer Payer);

        public sealed record Payer(string FullName);
    }

    private static class CurrencyRemoved
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount);
    }

    private static class AmountAsText
    {
        public sealed record MoneyDeposited(Guid AccountId, string Amount, string Currency);
    }

    private static class NewRequired
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency, string Channel);
    }
}
