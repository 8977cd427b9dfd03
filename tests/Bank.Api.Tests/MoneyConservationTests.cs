using System.Globalization;
using System.Net;
using System.Text.Json;
using Bank.Testing;
using CsCheck;
using Xunit;

namespace Bank.Api.Tests;

/// <summary>
/// Rounding never creates money: random sequences of deposits, withdrawals and transfers between one customer's accounts
/// in three currencies, sent with the customer's own token. Valued at the configured mid rates without rounding, what the
/// accounts hold never exceeds what was paid in less what was paid out, and each account's statement adds up to its balance.
/// </summary>
public sealed class MoneyConservationTests(BankHost host) : IClassFixture<BankHost>
{
    private static readonly string[] Currencies = ["EUR", "USD", "CAD"];

    // Units of each currency per euro, as configured (appsettings.json); the products of the others make valuations exact.
    private static readonly Dictionary<string, decimal> Rates = new() { ["EUR"] = 1m, ["USD"] = 1.08m, ["CAD"] = 1.47m };

    private readonly HttpClient _operator = host.CreateApiClient();

    private enum Kind
    {
        Deposit,
        Withdrawal,
        Transfer,
    }

    private sealed record Operation(Kind Kind, int Account, int Other, decimal Amount, string Currency)
    {
        public override string ToString() =>
            $"{Kind} {Amount.ToString(CultureInfo.InvariantCulture)} {Currency} {(Kind == Kind.Transfer ? $"from {Account} to {Other}" : $"account {Account}")}";
    }

    [Fact]
    public async Task Random_sequences_of_commands_in_three_currencies_never_grow_what_a_customer_holds()
    {
        // Tiny amounts find rounding edges; larger ones move real balances.
        var amount = Gen.OneOf(Gen.Int[1, 9], Gen.Int[1, 500], Gen.Int[1, 200_000]).Select(cents => cents / 100m);
        var operation = Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 2], Gen.Int[1, 2], amount, Gen.Int[0, 2])
            .Select((kind, account, offset, money, currency) => new Operation(kind, account, (account + offset) % 3, money, Currencies[currency]));

        await operation.Array[1, 25].SampleAsync(RunAsync, iter: 25, threads: 1);
    }

    private async Task RunAsync(Operation[] operations)
    {
        var customerId = await _operator.CreateCustomerAsync();
        var accounts = new List<Guid>();
        foreach (var currency in Currencies)
        {
            accounts.Add(await _operator.OpenAccountAsync(currency, customerId: customerId));
        }

        using var customer = host.CreateApiClient().As(TestTokens.Customer(customerId));
        var balances = new decimal[3];
        var versions = new long[] { 1, 1, 1 };
        var paidIn = 0m;
        foreach (var op in operations)
        {
            var (status, body) = await SendAsync(customer, op, accounts);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{op}: {(int)status} {body}");
            if (status != HttpStatusCode.OK)
            {
                continue;
            }

            switch (op.Kind)
            {
                case Kind.Deposit:
                    paidIn += MidValue(op.Amount, op.Currency);
                    (balances[op.Account], versions[op.Account]) = Side(body);
                    break;
                case Kind.Withdrawal:
                    paidIn -= MidValue(op.Amount, op.Currency);
                    (balances[op.Account], versions[op.Account]) = Side(body);
                    break;
                default:
                    (balances[op.Account], versions[op.Account]) = Side(body.GetProperty("from"));
                    (balances[op.Other], versions[op.Other]) = Side(body.GetProperty("to"));
                    break;
            }

            Assert.All(balances, balance => Assert.True(balance >= 0, $"{op} left a balance of {balance}."));
            var held = balances.Select((balance, i) => MidValue(balance, Currencies[i])).Sum();
            Assert.True(held <= paidIn, $"After {op} the accounts hold {held} units but only {paidIn} were paid in.");
        }

        for (var i = 0; i < 3; i++)
        {
            await AssertBooksBalanceAsync(customer, accounts[i], balances[i], versions[i]);
        }
    }

    /// <summary>The account shows the balance the commands answered, and its statement's lines add up to it, one per movement.</summary>
    private static async Task AssertBooksBalanceAsync(HttpClient customer, Guid accountId, decimal balance, long version)
    {
        var account = await customer.GetShownAsync($"/accounts/{accountId}?minVersion={version}");
        Assert.Equal(balance, account.GetProperty("balance").GetDecimal());
        var statement = await customer.GetShownAsync($"/accounts/{accountId}/transactions?pageSize=200&minVersion={version}");
        var lines = statement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(version - 1, lines.Count);
        var sum = lines.Sum(line => line.GetProperty("type").GetString() is "deposit" or "transferIn"
            ? line.GetProperty("amount").GetDecimal()
            : -line.GetProperty("amount").GetDecimal());
        Assert.Equal(balance, sum);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient customer, Operation op, List<Guid> accounts)
    {
        var amount = op.Amount.ToString(CultureInfo.InvariantCulture);
        var response = op.Kind switch
        {
            Kind.Deposit => await customer.PostJsonAsync($"/accounts/{accounts[op.Account]}/deposits", $$"""{"amount":{{amount}},"currency":"{{op.Currency}}"}"""),
            Kind.Withdrawal => await customer.PostJsonAsync($"/accounts/{accounts[op.Account]}/withdrawals", $$"""{"amount":{{amount}},"currency":"{{op.Currency}}"}"""),
            _ => await customer.PostJsonAsync(
                "/transfers",
                $$"""{"fromAccountId":"{{accounts[op.Account]}}","toAccountId":"{{accounts[op.Other]}}","amount":{{amount}},"currency":"{{op.Currency}}"}"""),
        };
        return (response.StatusCode, await response.JsonAsync());
    }

    private static (decimal Balance, long Version) Side(JsonElement side) =>
        (side.GetProperty("balance").GetDecimal(), side.GetProperty("version").GetInt64());

    /// <summary>An amount's worth at the mid rates, unrounded, in units of 1 / (1.08 × 1.47) EUR: exact in decimal.</summary>
    private static decimal MidValue(decimal amount, string currency) =>
        amount * Rates.Where(rate => rate.Key != currency).Aggregate(1m, (product, rate) => product * rate.Value);
}
