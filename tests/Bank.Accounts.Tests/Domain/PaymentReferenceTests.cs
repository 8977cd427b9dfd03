using System.Text.Json;
using System.Text.Json.Nodes;
using Bank.Accounts.Contracts;
using Bank.Accounts.Domain;
using Bank.BuildingBlocks.Money;
using Xunit;
using static Bank.Accounts.Tests.Domain.AccountScenario;

namespace Bank.Accounts.Tests.Domain;

public sealed class PaymentReferenceTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData(" \t ", null)]
    [InlineData("  Invoice 42 ", "Invoice 42")]
    public void A_reference_is_trimmed_and_a_blank_one_is_none(string? text, string? expected)
    {
        Assert.True(PaymentReference.TryParse(text, out var reference, out _));
        Assert.Equal(expected, reference);
    }

    [Fact]
    public void The_limit_counts_what_a_reader_sees_as_characters()
    {
        // 140 flags: two UTF-16 surrogate pairs each, one character on screen.
        Assert.True(PaymentReference.TryParse(string.Concat(Enumerable.Repeat("\U0001F1EA\U0001F1FA", 140)), out _, out _));

        Assert.False(PaymentReference.TryParse(new string('x', 141), out _, out var error));
        Assert.Equal("Must be at most 140 characters once trimmed; it has 141.", error);
    }

    [Fact]
    public void Given_an_open_account_when_depositing_with_a_reference_then_the_event_carries_it()
    {
        var deposited = Given(Opened()).Deposit(Of(5m, Currency.EUR), Rates, "Invoice 42");

        Assert.Equal("Invoice 42", deposited.Reference);
    }

    [Fact]
    public void Given_a_transfer_with_a_reference_then_both_sides_carry_it()
    {
        var source = Given(Opened(), Deposited(10m, 10m));
        var destination = Given(Opened() with { AccountId = Guid.NewGuid() });

        var (paid, received) = source.TransferTo(destination, Guid.NewGuid(), Of(4m, Currency.EUR), Rates, "Rent");

        Assert.Equal(("Rent", "Rent"), (paid.Reference, received.Reference));
    }

    [Fact]
    public void An_event_stored_before_references_existed_reads_with_none()
    {
        var released = """{"accountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":5,"currency":"EUR","originalAmount":5,"originalCurrency":"EUR","exchangeRate":1,"balance":5}""";

        var deposited = AccountEvents.MoneyAsText(JsonNode.Parse(released)!.AsObject()).Deserialize<MoneyDeposited>(JsonSerializerOptions.Web)!;

        Assert.Null(deposited.Reference);
        Assert.Equal(5m, deposited.Balance);
    }
}
