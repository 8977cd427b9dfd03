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
