using System.Text;
using Bank.Accounts.Contracts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Messaging.Events;
using Confluent.Kafka;
using Xunit;

namespace Bank.Messaging.Tests;

/// <summary>How a consumer reads the version a message declares, against the version this bank reads.</summary>
public sealed class KafkaEventReaderTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void A_message_of_the_version_the_bank_reads_or_from_before_versions_were_sent_is_read(string? version)
    {
        var read = KafkaEventReader.Read(Message(version), Registry(readsVersion: 1));

        Assert.Equal((null, null), (read.Problem, read.PassOver));
        Assert.Equal("MoneyDeposited", read.Event!.Type.Name);
    }

    [Fact]
    public void A_newer_version_than_the_bank_reads_is_passed_over()
    {
        var read = KafkaEventReader.Read(Message("2"), Registry(readsVersion: 1));

        Assert.Equal((null, null), (read.Event, read.Problem));
        Assert.Equal("of MoneyDeposited v2, newer than the v1 this bank reads", read.PassOver);
    }

    [Fact]
    public void An_older_version_the_bank_cannot_read_as_its_own_is_a_schema_problem_which_parks_its_key()
    {
        var read = KafkaEventReader.Read(Message("1"), Registry(readsVersion: 2));

        Assert.Null(read.Event);
        Assert.Equal("schema: MoneyDeposited v1 cannot be read as v2, the version this bank reads.", read.Problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void A_version_that_is_not_one_is_unreadable(string version) =>
        Assert.Equal(
            "The message's 'event-version' header is not a version (a whole number from 1).",
            KafkaEventReader.Read(Message(version), Registry(readsVersion: 1)).Problem);

    private static EventTypeRegistry Registry(int readsVersion) =>
        new([new EventTypeRegistration(
            AccountEvents.AggregateType, AccountEvents.TypeNames, new Dictionary<Type, int> { [typeof(MoneyDeposited)] = readsVersion })]);

    private static ConsumeResult<string, byte[]> Message(string? version)
    {
        var headers = new Headers
        {
            { EventHeaders.MessageType, "MoneyDeposited"u8.ToArray() },
            { EventHeaders.EventId, Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("D")) },
            { EventHeaders.StreamVersion, "2"u8.ToArray() },
            { EventHeaders.GlobalPosition, "7"u8.ToArray() },
            { EventHeaders.Timestamp, "2026-12-05T10:00:00.0000000Z"u8.ToArray() },
        };
        if (version is not null)
        {
            headers.Add(EventHeaders.EventVersion, Encoding.UTF8.GetBytes(version));
        }

        return new ConsumeResult<string, byte[]>
        {
            Topic = "events_Account",
            Partition = new Partition(0),
            Offset = new Offset(3),
            Message = new Message<string, byte[]> { Key = Guid.NewGuid().ToString("D"), Value = "{}"u8.ToArray(), Headers = headers },
        };
    }
}
