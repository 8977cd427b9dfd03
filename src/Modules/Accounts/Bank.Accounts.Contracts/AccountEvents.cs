using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bank.Accounts.Contracts;

/// <summary>An account was opened for a customer in one currency, with a balance of zero.</summary>
public sealed record AccountOpened(Guid AccountId, Guid CustomerId, string Currency);

/// <summary>
/// What every event that moves money in or out of an account says: <see cref="Amount"/> in the account's
/// <see cref="Currency"/>, what was asked for (<see cref="OriginalAmount"/> in <see cref="OriginalCurrency"/>),
/// the <see cref="ExchangeRate"/> applied, and the <see cref="Balance"/> after it.
/// </summary>
public interface IMoneyMovement
{
    Guid AccountId { get; }

    decimal Amount { get; }

    string Currency { get; }

    decimal OriginalAmount { get; }

    string OriginalCurrency { get; }

    decimal ExchangeRate { get; }

    decimal Balance { get; }

    /// <summary>The payer's text for the movement (at most 140 characters), or null; null in events stored before it existed.</summary>
    string? Reference { get; }
}

/// <summary>
/// Money was paid into an account. <see cref="Amount"/> is in the account's <see cref="Currency"/>;
/// when the deposit was made in another currency, <see cref="OriginalAmount"/> and
/// <see cref="OriginalCurrency"/> say what was paid and <see cref="ExchangeRate"/> the rate applied,
/// so that replaying the event never recomputes a conversion. <see cref="Balance"/> is the balance after it, and
/// <see cref="Reference"/> the payer's text, if any. From version 2 on, every amount, rate and balance travels as a
/// decimal string (<c>"amount": "10.50"</c>); see <see cref="AccountEvents.Upcasts"/>.
/// </summary>
public sealed record MoneyDeposited(
    Guid AccountId,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Amount,
    string Currency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal OriginalAmount,
    string OriginalCurrency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal ExchangeRate,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Balance,
    string? Reference = null) : IMoneyMovement;

/// <summary>Money was taken out of an account; the fields mean what they mean in <see cref="MoneyDeposited"/>.</summary>
public sealed record MoneyWithdrawn(
    Guid AccountId,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Amount,
    string Currency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal OriginalAmount,
    string OriginalCurrency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal ExchangeRate,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Balance,
    string? Reference = null) : IMoneyMovement;

/// <summary>
/// Money left an account for another one (<see cref="ToAccountId"/>) in the transfer <see cref="TransferId"/>;
/// the other fields mean what they mean in <see cref="MoneyDeposited"/>: <see cref="OriginalAmount"/> in
/// <see cref="OriginalCurrency"/> is what the transfer asked for, <see cref="Amount"/> what this account paid.
/// </summary>
public sealed record MoneyTransferredOut(
    Guid AccountId,
    Guid TransferId,
    Guid ToAccountId,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Amount,
    string Currency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal OriginalAmount,
    string OriginalCurrency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal ExchangeRate,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Balance,
    string? Reference = null) : IMoneyMovement;

/// <summary>
/// Money arrived in an account from another one (<see cref="FromAccountId"/>) in the transfer <see cref="TransferId"/>;
/// <see cref="Amount"/> is what this account received, in its own currency.
/// </summary>
public sealed record MoneyTransferredIn(
    Guid AccountId,
    Guid TransferId,
    Guid FromAccountId,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Amount,
    string Currency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal OriginalAmount,
    string OriginalCurrency,
    [property: JsonConverter(typeof(DecimalAsText))] decimal ExchangeRate,
    [property: JsonConverter(typeof(DecimalAsText))] decimal Balance,
    string? Reference = null) : IMoneyMovement;

/// <summary>The stable names of the Accounts module's events. Never change a name once events carry it.</summary>
public static class AccountEvents
{
    /// <summary>The aggregate type; its events are broadcast on the topic <c>events_Account</c>.</summary>
    public const string AggregateType = "Account";

    public static IReadOnlyDictionary<Type, string> TypeNames { get; } = new Dictionary<Type, string>
    {
        [typeof(AccountOpened)] = "AccountOpened",
        [typeof(MoneyDeposited)] = "MoneyDeposited",
        [typeof(MoneyWithdrawn)] = "MoneyWithdrawn",
        [typeof(MoneyTransferredOut)] = "MoneyTransferredOut",
        [typeof(MoneyTransferredIn)] = "MoneyTransferredIn",
    };

    /// <summary>
    /// How each event's older versions read as the one the code writes. Version 2 of the money movements writes every
    /// amount, rate and balance as a decimal string instead of a JSON number: a reader whose JSON numbers are binary
    /// floats (JavaScript's, and most libraries' by default) would read 0.1 + 0.2 as 0.30000000000000004 and drop a
    /// balance's trailing zeros. Version 1 stays readable through <see cref="MoneyAsText"/>.
    /// </summary>
    public static IReadOnlyDictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>> Upcasts { get; } =
        new Dictionary<Type, IReadOnlyList<Func<JsonObject, JsonObject>>>
        {
            [typeof(MoneyDeposited)] = [MoneyAsText],
            [typeof(MoneyWithdrawn)] = [MoneyAsText],
            [typeof(MoneyTransferredOut)] = [MoneyAsText],
            [typeof(MoneyTransferredIn)] = [MoneyAsText],
        };

    /// <summary>A money movement of version 1 as version 2: each number as the decimal string it was written as (10.00 stays "10.00").</summary>
    public static JsonObject MoneyAsText(JsonObject version1)
    {
        ArgumentNullException.ThrowIfNull(version1);
        foreach (var field in (string[])["amount", "originalAmount", "exchangeRate", "balance"])
        {
            if (version1[field] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
            {
                version1[field] = value.ToJsonString();
            }
        }

        return version1;
    }
}
