using System.Text.Json.Serialization;
using Bank.BuildingBlocks.EventContracts;
using Bank.BuildingBlocks.EventSourcing;
using Xunit;

namespace Bank.BuildingBlocks.Tests.EventContracts;

public sealed class EventCatalogTests : IDisposable
{
    private readonly EventCatalog _catalog = new(Path.Combine(Path.GetTempPath(), "event-catalog-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public void A_new_event_type_is_missing_until_its_first_version_is_written()
    {
        Assert.Equal(
            ["MoneyDeposited v1: field '(the event)': not in the catalog; 'schemas update' adds it"],
            _catalog.Check([Registered<V1.MoneyDeposited>()]).Select(violation => violation.ToString()));

        var written = Assert.Single(_catalog.Update([Registered<V1.MoneyDeposited>()]));

        Assert.Equal(Path.Combine(_catalog.Directory, "MoneyDeposited", "v1.schema.json"), written);
        Assert.Empty(_catalog.Check([Registered<V1.MoneyDeposited>()]));
        Assert.Empty(_catalog.Stale([Registered<V1.MoneyDeposited>()]));
        Assert.Equal([1], _catalog.VersionsOf("MoneyDeposited"));
    }

    [Fact]
    public void An_added_optional_field_is_compatible_and_rewrites_the_current_version()
    {
        _catalog.Update([Registered<V1.MoneyDeposited>()]);

        Assert.Empty(_catalog.Check([Registered<WithReference.MoneyDeposited>()]));
        Assert.Equal(["MoneyDeposited"], _catalog.Stale([Registered<WithReference.MoneyDeposited>()]));
        Assert.Single(_catalog.Update([Registered<WithReference.MoneyDeposited>()]));
        Assert.Empty(_catalog.Stale([Registered<WithReference.MoneyDeposited>()]));
        Assert.Contains("\"reference\"", File.ReadAllText(Path.Combine(_catalog.Directory, "MoneyDeposited", "v1.schema.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_incompatible_change_is_reported_and_never_written()
    {
        _catalog.Update([Registered<V1.MoneyDeposited>()]);
        var released = File.ReadAllText(Path.Combine(_catalog.Directory, "MoneyDeposited", "v1.schema.json"));

        Assert.Equal(
            ["MoneyDeposited v1: field 'currency': removed or renamed"],
            _catalog.Check([Registered<CurrencyRemoved.MoneyDeposited>()]).Select(violation => violation.ToString()));
        Assert.Throws<InvalidOperationException>(() => _catalog.Update([Registered<CurrencyRemoved.MoneyDeposited>()]));
        Assert.Equal(released, File.ReadAllText(Path.Combine(_catalog.Directory, "MoneyDeposited", "v1.schema.json")));
    }

    [Fact]
    public void A_breaking_change_ships_as_the_next_version_and_the_released_one_stays_as_it_was()
    {
        _catalog.Update([Registered<V1.MoneyDeposited>()]);
        var v1 = Path.Combine(_catalog.Directory, "MoneyDeposited", "v1.schema.json");
        var released = File.ReadAllText(v1);

        Assert.Equal(
            ["MoneyDeposited v1: field 'amount': type changed from {\"type\":[\"string\",\"number\"],\"pattern\":\"^-?(?:0|[1-9]\\\\d*)(?:\\\\.\\\\d+)?$\"} to {\"type\":\"string\",\"pattern\":\"^-?(?:0|[1-9]\\\\d*)(?:\\\\.\\\\d+)?$\"}"],
            _catalog.Check([Registered<AmountAsText.MoneyDeposited>()]).Select(violation => violation.ToString()));

        // As v2, read from v1 through an upcast: v1 events no longer reach the code as they are, so only v2 is compared.
        Assert.Empty(_catalog.Check([Registered<AmountAsText.MoneyDeposited>(version: 2)]));
        Assert.Equal(
            Path.Combine(_catalog.Directory, "MoneyDeposited", "v2.schema.json"),
            Assert.Single(_catalog.Update([Registered<AmountAsText.MoneyDeposited>(version: 2)])));
        Assert.Equal([1, 2], _catalog.VersionsOf("MoneyDeposited"));
        Assert.Equal(released, File.ReadAllText(v1));

        // From then on, v2 is what the code's changes are held to.
        Assert.Equal(
            ["MoneyDeposited v2: field 'currency': removed or renamed"],
            _catalog.Check([Registered<AmountAsTextCurrencyRemoved.MoneyDeposited>(version: 2)]).Select(violation => violation.ToString()));
    }

    [Fact]
    public void The_version_the_code_writes_is_the_catalog_s_newest_or_the_next_one()
    {
        _catalog.Update([Registered<V1.MoneyDeposited>()]);

        Assert.Equal(["MoneyDeposited"], _catalog.Stale([Registered<V1.MoneyDeposited>(version: 2)]));
        Assert.Equal(
            ["MoneyDeposited v3: field '(the event)': the code writes this version, the catalog's newest is v1"],
            _catalog.Check([Registered<V1.MoneyDeposited>(version: 3)]).Select(violation => violation.ToString()));
        Assert.Equal(Path.Combine(_catalog.Directory, "MoneyDeposited", "v2.schema.json"), Assert.Single(_catalog.Update([Registered<V1.MoneyDeposited>(version: 2)])));
    }

    public void Dispose()
    {
        if (Directory.Exists(_catalog.Directory))
        {
            Directory.Delete(_catalog.Directory, recursive: true);
        }
    }

    private static RegisteredEventType Registered<T>(int version = 1) => new(typeof(T), "MoneyDeposited", "Account", version);

    private static class V1
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency);
    }

    private static class WithReference
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency, string? Reference = null);
    }

    private static class AmountAsText
    {
        [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount, string Currency);
    }

    private static class AmountAsTextCurrencyRemoved
    {
        [JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)]
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount);
    }

    private static class CurrencyRemoved
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount);
    }
}
