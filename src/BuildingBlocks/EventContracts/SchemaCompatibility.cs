using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bank.BuildingBlocks.EventContracts;

/// <summary>
/// Whether the current wire form of an event can stand in for a released version of it. Only additions are allowed: a
/// new field that is optional. A field removed or renamed, a type changed, or a field made required breaks a reader
/// of the released version (a consumer in another team, an event read back from the store).
/// </summary>
public static class SchemaCompatibility
{
    // A pattern's '+' stays '+' in a violation's line.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<SchemaViolation> Compare(string eventType, int releasedVersion, JsonNode released, JsonNode current)
    {
        var violations = new List<SchemaViolation>();
        Compare(released, current, path: "", (field, rule) => violations.Add(new SchemaViolation(eventType, releasedVersion, field, rule)));
        return violations;
    }

    private static void Compare(JsonNode released, JsonNode current, string path, Action<string, string> violation)
    {
        if (released["properties"] is JsonObject releasedFields)
        {
            CompareObjects(released, current, releasedFields, path, violation);
        }
        else if (released["items"] is { } releasedItems && current["items"] is { } currentItems)
        {
            Compare(releasedItems, currentItems, path + "[]", violation);
        }
        else if (!JsonNode.DeepEquals(Shape(released), Shape(current)))
        {
            violation(Field(path), $"type changed from {Shape(released).ToJsonString(Readable)} to {Shape(current).ToJsonString(Readable)}");
        }
    }

    private static void CompareObjects(JsonNode released, JsonNode current, JsonObject releasedFields, string path, Action<string, string> violation)
    {
        if (current["properties"] is not JsonObject currentFields)
        {
            violation(Field(path), "is no longer an object");
            return;
        }

        var releasedRequired = Required(released);
        foreach (var (name, schema) in releasedFields)
        {
            var field = Join(path, name);
            if (currentFields[name] is not { } currentSchema)
            {
                violation(field, "removed or renamed");
            }
            else
            {
                Compare(schema!, currentSchema, field, violation);
            }
        }

        foreach (var name in Required(current).Except(releasedRequired))
        {
            violation(Join(path, name), releasedFields.ContainsKey(name) ? "made required" : "added as required; a new field must be optional");
        }
    }

    // What a value may be, without the words that only describe it.
    private static JsonObject Shape(JsonNode schema)
    {
        var shape = new JsonObject();
        foreach (var (keyword, value) in schema.AsObject())
        {
            if (keyword is not ("description" or "title" or "$comment"))
            {
                shape[keyword] = value?.DeepClone();
            }
        }

        return shape;
    }

    private static HashSet<string> Required(JsonNode schema) =>
        schema["required"] is JsonArray required ? [.. required.Select(name => name!.GetValue<string>())] : [];

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Field(string path) => path.Length == 0 ? "(the event)" : path;
}
