using System.Text.Json;
using System.Text.Json.Nodes;
using Bank.BuildingBlocks.EventSourcing;
using Xunit;

namespace Bank.BuildingBlocks.Tests.EventSourcing;

public sealed class EventTypeRegistryTests
{
    private sealed record ThingHappened;

    private sealed record OtherThingHappened;

    [Fact]
    public void Event_types_are_found_by_type_and_by_stable_name_with_their_aggregate_type()
    {
        var registry = new EventTypeRegistry([
            new EventTypeRegistration("Thing", new Dictionary<Type, string> { [typeof(ThingHappened)] = "ThingHappened" }),
            new EventTypeRegistration("Other", new Dictionary<Type, string> { [typeof(OtherThingHappened)] = "OtherThingHappened" }),
        ]);

        Assert.Equal(new RegisteredEventType(typeof(ThingHappened), "ThingHappened", "Thing"), registry.Get(typeof(ThingHappened)));
        Assert.True(registry.TryGet("OtherThingHappened", out var other));
        Assert.Equal("Other", other.AggregateType);
        Assert.False(registry.TryGet("Unknown", out _));
        Assert.Equal(["Thing", "Other"], registry.AggregateTypes);
    }

    [Fact]
    public void Each_version_is_stored_under_its_own_name_and_an_older_one_reads_as_the_current_one_step_by_step()
    {
        var registry = new EventTypeRegistry([
            new EventTypeRegistration(
                "Thing",
                new Dictionary<Type, string> { [typeof(ThingHappened)] = "ThingHappened" },
                new Dictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>>
                {
                    [typeof(ThingHappened)] =
                    [
                        v1 => new JsonObject { ["count"] = v1["n"]!.DeepClone() },
                        v2 =>
                        {
                            v2["unit"] = "kg";
                            return v2;
                        },
                    ],
                }),
        ]);
        var type = registry.Get(typeof(ThingHappened));

        Assert.Equal(3, type.Version);
        Assert.Equal(["ThingHappened", "ThingHappened.v2", "ThingHappened.v3"], registry.StoredNamesOf([typeof(ThingHappened)]));
        Assert.True(registry.TryGetStored("ThingHappened.v2", out var stored, out var version));
        Assert.Equal((type, 2), (stored, version));
        Assert.False(registry.TryGetStored("ThingHappened.v4", out _, out _));
        Assert.Equal("""{"count":5,"unit":"kg"}""", registry.ReadAsCurrent(type, 1, """{"n":5}"""));
        Assert.Equal("""{"count":5,"unit":"kg"}""", registry.ReadAsCurrent(type, 2, """{"count":5}"""));
        Assert.Equal("""{"count":5,"unit":"g"}""", registry.ReadAsCurrent(type, 3, """{"count":5,"unit":"g"}"""));
        Assert.Throws<JsonException>(() => registry.ReadAsCurrent(type, 1, "[5]"));
    }

    [Fact]
    public void A_name_used_twice_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => new EventTypeRegistry([
            new EventTypeRegistration("Thing", new Dictionary<Type, string> { [typeof(ThingHappened)] = "Happened" }),
            new EventTypeRegistration("Other", new Dictionary<Type, string> { [typeof(OtherThingHappened)] = "Happened" }),
        ]));

    [Fact]
    public void The_same_registration_twice_is_harmless()
    {
        var names = new Dictionary<Type, string> { [typeof(ThingHappened)] = "ThingHappened" };

        var registry = new EventTypeRegistry([new EventTypeRegistration("Thing", names), new EventTypeRegistration("Thing", names)]);

        Assert.Single(registry.All);
    }

    [Fact]
    public void An_unregistered_type_is_an_error() =>
        Assert.Throws<InvalidOperationException>(() => new EventTypeRegistry([]).Get(typeof(ThingHappened)));
}
