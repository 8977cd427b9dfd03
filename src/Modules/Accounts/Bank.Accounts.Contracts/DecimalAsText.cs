using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bank.Accounts.Contracts;

/// <summary>
/// Money on the wire from version 2 of the money movements on: a decimal as a JSON string (<c>"10.50"</c>), exactly as
/// the bank holds it. Only a string is read: a version 1 number that reached the code without its upcast fails, where it
/// would otherwise pass for version 2 unnoticed.
/// </summary>
public sealed class DecimalAsText : JsonConverter<decimal>
{
    private const NumberStyles Decimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && decimal.TryParse(reader.GetString(), Decimal, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"Expected a decimal as a JSON string, such as \"10.50\"; found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
