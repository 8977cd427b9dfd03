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
    private const string Version1 =
        """{"accountId":"0b4e5f1a-0000-4000-8000-000000000001","amount":10.50,"currency":"EUR","originalAmount":10.50,"originalCurrency":"EUR","exchangeRate":1,"balance":20.00}""";

    private static readonly EventTypeRegistry Registry =
        new([new EventTypeRegistration(AccountEvents.AggregateType, AccountEvents.TypeNames, AccountEvents.Upcasts)]);

    [Fact]
    public void A_message_of_the_version_the_bank_reads_is_read_as_it_came()
    {
        var read = KafkaEventReader.Read(Message("2", """{"amount":"10.50"}"""), Registry);

        Assert.Equal((null, null), (read.Problem, read.PassOver));
        Assert.Equal("MoneyDeposited", read.Event!.Type.Name);
        Assert.Equal("""{"amount":"10.50"}""", Encoding.UTF8.GetString(read.Event.Json));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void An_older_message_or_one_from_before_versions_were_sent_is_read_as_the_version_the_bank_reads(string? version)
    {
        var read = KafkaEventReader.Read(Message(version, Version1), Registry);

        Assert.Equal((null, null), (read.Problem, read.PassOver));
        var json = Encoding.UTF8.GetString(read.Event!.Json);
        Assert.Contains("\"amount\":\"10.50\"", json);
        Assert.Contains("\"balance\":\"20.00\"", json);
        Assert.Contains("\"exchangeRate\":\"1\"", json);
    }

    [Fact]
    public void A_newer_version_than_the_bank_reads_is_passed_over()
    {
        var read = KafkaEventReader.Read(Message("3", "{}"), Registry);

        Assert.Equal((null, null), (read.Event, read.Problem));
        Assert.Equal("of MoneyDeposited v3, newer than the v2 this bank reads", read.PassOver);
    }

    [Fact]
    public void An_older_version_that_cannot_be_read_as_the_current_one_is_a_schema_problem_which_parks_its_key()
    {
        var read = KafkaEventReader.Read(Message("1", "[10.50]"), Registry);

        Assert.Null(read.Event);
        Assert.StartsWith("schema: MoneyDeposited v1 cannot be read as v2: ", read.Problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void A_version_that_is_not_one_is_unreadable(string version) =>
        Assert.Equal(
            "The message's 'event-version' header is not a version (a whole number from 1).",
            KafkaEventReader.Read(Message(version, "{}"), Registry).Problem);

    private static ConsumeResult<string, byte[]> Message(string? version, string json)
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
            Message = new Message<string, byte[]> { Key = Guid.NewGuid().ToString("D"), Value = Encoding.UTF8.GetBytes(json), Headers = headers },
        };
    }
}
