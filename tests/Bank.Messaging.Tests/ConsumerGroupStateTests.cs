using Bank.Messaging.Kafka.Consuming;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>How the console's lag in seconds is told from the group watch's readings of committed offsets and partition ends.</summary>
public sealed class ConsumerGroupStateTests
{
    private readonly Clock _clock = new();

    [Fact]
    public void The_lag_in_time_is_the_age_of_the_reading_that_first_saw_the_oldest_waiting_message()
    {
        var state = new ConsumerGroupState(_clock);

        state.Observed("accounts", [("events_Account", 0, 10, 10)]);
        _clock.Advance(TimeSpan.FromSeconds(2));
        state.Observed("accounts", [("events_Account", 0, 10, 12)]);
        _clock.Advance(TimeSpan.FromSeconds(2));
        state.Observed("accounts", [("events_Account", 0, 11, 15)]);
        _clock.Advance(TimeSpan.FromSeconds(2));

        // Offset 11 waits since the reading that saw the end at 12, 4 s ago; that reading is still the oldest one past 11.
        Assert.Equal((4L, TimeSpan.FromSeconds(4)), Lag(state));

        state.Observed("accounts", [("events_Account", 0, 12, 15)]);
        // Offset 12 was first seen by the reading that found the end at 15, 2 s ago.
        Assert.Equal((3L, TimeSpan.FromSeconds(2)), Lag(state));

        state.Observed("accounts", [("events_Account", 0, 15, 15)]);
        Assert.Equal((0L, TimeSpan.Zero), Lag(state));
    }

    [Fact]
    public void A_partition_the_group_never_committed_counts_from_its_start_and_shows_no_position()
    {
        var state = new ConsumerGroupState(_clock);

        state.Observed("customers", [("events_Customer", 3, -1001, 2)]);
        _clock.Advance(TimeSpan.FromSeconds(6));

        var partition = Assert.Single(state.Partitions());
        Assert.Null(partition.Committed);
        Assert.Equal((2L, TimeSpan.FromSeconds(6), true), (partition.Lag, partition.LagTime, partition.Stalled));
    }

    [Fact]
    public void The_partitions_held_are_those_assigned_and_not_yet_released()
    {
        var state = new ConsumerGroupState(_clock);

        state.Assigned("accounts", "events_Account", [0, 1, 2]);
        state.Released("accounts", "events_Account", [1]);

        Assert.Equal([("accounts", "events_Account", 0), ("accounts", "events_Account", 2)], state.HeldPartitions.Order());
        Assert.Equal(2, state.Held.Single().Partitions);
        state.MemberLeft("accounts", "events_Account");
        Assert.Empty(state.HeldPartitions);
    }

    private static (long Lag, TimeSpan LagTime) Lag(ConsumerGroupState state) =>
        state.Partitions().Select(p => (p.Lag, p.LagTime)).Single();

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
