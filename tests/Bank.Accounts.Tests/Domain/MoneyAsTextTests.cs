using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bank.Accounts.Contracts;
using Xunit;

namespace Bank.Accounts.Tests.Domain;

/// <summary>Version 2 of the money movements: amounts, rates and balances travel as exact decimal strings.</summary>
public sealed class MoneyAsTextTests
{
    private const string Version1 =
        """{"accountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":0.10,"currency":"EUR","originalAmount":0.11,"originalCurrency":"USD","exchangeRate":0.9090,"balance":20.00}""";

    [Fact]
    public void Version_2_writes_every_amount_rate_and_balance_as_the_decimal_it_is()
    {
        var deposited = new MoneyDeposited(Guid.NewGuid(), 0.10m, "EUR", 0.11m, "USD", 0.9090m, 20.00m);

        var json = JsonSerializer.Serialize(deposited, JsonSerializerOptions.Web);

        Assert.Contains("\"amount\":\"0.10\"", json, StringComparison.Ordinal);
        Assert.Contains("\"originalAmount\":\"0.11\"", json, StringComparison.Ordinal);
        Assert.Contains("\"exchangeRate\":\"0.9090\"", json, StringComparison.Ordinal);
        Assert.Contains("\"balance\":\"20.00\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_event_reads_as_version_2_with_its_numbers_as_written()
    {
        var upcast = AccountEvents.MoneyAsText(JsonNode.Parse(Version1)!.AsObject());

        Assert.Equal(
            """{"accountId":"6f9619ff-8b86-d011-b42d-00c04fc964ff","amount":"0.10","currency":"EUR","originalAmount":"0.11","originalCurrency":"USD","exchangeRate":"0.9090","balance":"20.00"}""",
            upcast.ToJsonString());
        var deposited = upcast.Deserialize<MoneyDeposited>(JsonSerializerOptions.Web)!;
        Assert.Equal("20.00", deposited.Balance.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("0.9090", deposited.ExchangeRate.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_version_1_event_that_skipped_its_upcast_is_refused_not_read_as_version_2() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<MoneyDeposited>(Version1, JsonSerializerOptions.Web));

    [Fact]
    public void Every_money_movement_is_at_version_2_through_the_same_upcast() =>
        Assert.Equal(
            [typeof(MoneyDeposited), typeof(MoneyWithdrawn), typeof(MoneyTransferredOut), typeof(MoneyTransferredIn)],
            AccountEvents.Upcasts.Where(upcasts => upcasts.Value.Count == 1).Select(upcasts => upcasts.Key));
}
