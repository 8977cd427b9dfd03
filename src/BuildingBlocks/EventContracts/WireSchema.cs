using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;

namespace Bank.BuildingBlocks.EventContracts;

/// <summary>The JSON Schema (draft 2020-12) of an event's wire form: its JSON as the relay puts it on Kafka.</summary>
public static class WireSchema
{
    /// <summary>The serializer settings of the wire form, the ones <see cref="Of"/> describes.</summary>
    public static JsonSerializerOptions Options => JsonSerializerOptions.Web;

    public static JsonObject Of(Type eventType, string eventTypeName, int version)
    {
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = eventTypeName,
            ["version"] = version,
        };
        var exported = Options.GetJsonSchemaAsNode(eventType, new JsonSchemaExporterOptions { TransformSchemaNode = Written });
        foreach (var (keyword, value) in exported.AsObject())
        {
            schema[keyword] = value?.DeepClone();
        }

        return schema;
    }

    // How the exporter writes a decimal that travels as text, kept for the ones the rules below find.
    private const string DecimalText = @"^-?(?:0|[1-9]\d*)(?:\.\d+)?$";

    // The schema of what is written. The exporter describes what a reader accepts, and these settings read numbers from
    // strings too; it cannot see inside a property's own converter. A number always written as a string (by
    // [JsonNumberHandling(WriteAsString)], or by a converter) is a string on the wire, and a change between the two is a
    // change of type for other readers.
    private static JsonNode Written(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo is not { } property)
        {
            return schema;
        }

        if (property.CustomConverter is { } converter)
        {
            return property.PropertyType == typeof(decimal) && WritesText(converter)
                ? new JsonObject { ["type"] = "string", ["pattern"] = DecimalText }
                : schema;
        }

        var handling = property.NumberHandling ?? Options.GetTypeInfo(property.DeclaringType).NumberHandling ?? Options.NumberHandling;
        if ((handling & JsonNumberHandling.WriteAsString) == 0 || schema is not JsonObject node || node["type"] is not JsonArray types)
        {
            return schema;
        }

        var written = types.Select(type => type?.GetValue<string>()).Where(type => type is not ("number" or "integer")).ToList();
        node["type"] = written.Count == 1 ? written[0] : new JsonArray([.. written.Select(type => (JsonNode?)type)]);
        return node;
    }

    private static bool WritesText(JsonConverter converter)
    {
        var probe = new JsonSerializerOptions(Options);
        probe.Converters.Add(converter);
        return JsonSerializer.SerializeToElement(0m, probe).ValueKind == JsonValueKind.String;
    }
}
