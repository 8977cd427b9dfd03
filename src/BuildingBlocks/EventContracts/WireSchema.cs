using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

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
        foreach (var (keyword, value) in Options.GetJsonSchemaAsNode(eventType).AsObject())
        {
            schema[keyword] = value?.DeepClone();
        }

        return schema;
    }
}
