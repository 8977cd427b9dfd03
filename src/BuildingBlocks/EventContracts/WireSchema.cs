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
        var exported = Options.GetJsonSchemaAsNode(eventType, new JsonSchemaExporterOptions { TransformSchemaNode = NumbersWrittenAsText });
        foreach (var (keyword, value) in exported.AsObject())
        {
            schema[keyword] = value?.DeepClone();
        }

        return schema;
    }

    // The exporter describes what a reader accepts, and these settings read numbers from strings too; a number that is
    // always written as a string ([JsonNumberHandling(WriteAsString)]) is a string on the wire, and a change between
    // the two is a change of type for other readers.
    private static JsonNode NumbersWrittenAsText(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (context.PropertyInfo is not { } property || schema is not JsonObject node || node["type"] is not JsonArray types)
        {
            return schema;
        }

        var handling = property.NumberHandling ?? Options.GetTypeInfo(property.DeclaringType).NumberHandling ?? Options.NumberHandling;
        if ((handling & JsonNumberHandling.WriteAsString) == 0)
        {
            return schema;
        }

        var written = types.Select(type => type?.GetValue<string>()).Where(type => type is not ("number" or "integer")).ToList();
        node["type"] = written.Count == 1 ? written[0] : new JsonArray([.. written.Select(type => (JsonNode?)type)]);
        return node;
    }
}
