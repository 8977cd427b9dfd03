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
    public void The_code_must_read_every_released_version_not_only_the_newest()
    {
        // v2 dropped the currency; the code matches v2, but a v1 event read from the store still carries one.
        _catalog.Update([Registered<V1.MoneyDeposited>()]);
        var v2 = Path.Combine(_catalog.Directory, "MoneyDeposited", "v2.schema.json");
        File.WriteAllText(v2, WireSchema.Of(typeof(CurrencyRemoved.MoneyDeposited), "MoneyDeposited", 2).ToJsonString());

        Assert.Equal([1, 2], _catalog.VersionsOf("MoneyDeposited"));
        Assert.Equal(
            ["MoneyDeposited v1: field 'currency': removed or renamed"],
            _catalog.Check([Registered<CurrencyRemoved.MoneyDeposited>(version: 2)]).Select(violation => violation.ToString()));
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

    private static class CurrencyRemoved
    {
        public sealed record MoneyDeposited(Guid AccountId, decimal Amount);
    }
}
