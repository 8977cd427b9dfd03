using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bank.BuildingBlocks.Money;

namespace Bank.BuildingBlocks.Web;

/// <summary>
/// Reads an amount from the JSON number exactly as it was written. A <see cref="decimal"/> holds 28 digits, so
/// <c>1.000000000000000000000000000001</c> would silently become 1 and <c>1e30</c> would not fit at all: both are refused
/// with the rule they break (<see cref="MoneyAmount"/>). Trailing zeros carry no meaning: <c>5</c> and <c>5.0</c> are read alike.
/// </summary>
public sealed class AmountJsonConverter : JsonConverter<decimal?>
{
    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new InvalidJsonValue("Must be a JSON number (not a string), such as 10.50.");
        }

        var text = Encoding.ASCII.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        return Parse(text);
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        if (value is { } amount)
        {
            writer.WriteNumberValue(amount);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>A JSON number's text (already valid JSON) as an exact amount, or the rule it breaks.</summary>
    internal static decimal Parse(string number)
    {
        var negative = number.StartsWith('-');
        var mantissaEnd = number.IndexOfAny(['e', 'E']);
        var mantissa = number[(negative ? 1 : 0)..(mantissaEnd < 0 ? number.Length : mantissaEnd)];
        var exponent = mantissaEnd < 0 ? 0 : ParseExponent(number[(mantissaEnd + 1)..]);
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));

        // The value is 0.digits × 10^integerDigits, with no leading or trailing zeros in digits.
        var integerDigits = (long)(point < 0 ? mantissa.Length : point) + exponent;
        var significant = digits.TrimStart('0');
        integerDigits -= digits.Length - significant.Length;
        significant = significant.TrimEnd('0');
        if (significant.Length == 0 || negative)
        {
            throw new InvalidJsonValue(MoneyAmount.NotPositive);
        }

        if (integerDigits > MoneyAmount.Max.ToString(CultureInfo.InvariantCulture).Length)
        {
            throw new InvalidJsonValue(MoneyAmount.TooLarge);
        }

        if (significant.Length - integerDigits > MoneyAmount.Decimals)
        {
            throw new InvalidJsonValue(MoneyAmount.TooPrecise);
        }

        var exact = integerDigits <= 0
            ? "0." + new string('0', (int)-integerDigits) + significant
            : significant.Length <= integerDigits
                ? significant + new string('0', (int)integerDigits - significant.Length)
                : significant[..(int)integerDigits] + "." + significant[(int)integerDigits..];
        var amount = decimal.Parse(exact, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return amount > MoneyAmount.Max ? throw new InvalidJsonValue(MoneyAmount.TooLarge) : amount;
    }

    // Exponents far beyond any amount are clamped: their sign alone decides the outcome.
    private static long ParseExponent(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            ? Math.Clamp(exponent, -1000, 1000)
            : text.StartsWith('-') ? -1000 : 1000;
}
