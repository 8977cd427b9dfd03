using Bank.BuildingBlocks.Web;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bank.Host;

/// <summary>
/// The OpenAPI document says what the API accepts: money as decimal numbers (never a binary float), paging and
/// versions as integers and ids as GUIDs (the endpoints read them as text only to answer a bad one with a clear 400),
/// and the 413 and 415 answers every command can give.
/// </summary>
internal static class OpenApiConventions
{
    private static readonly Dictionary<string, OpenApiSchema> QueryAndPath = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = new() { Type = JsonSchemaType.String, Format = "uuid" },
        ["accountId"] = new() { Type = JsonSchemaType.String, Format = "uuid" },
        ["page"] = new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ["pageSize"] = new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100" },
        ["minVersion"] = new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
    };

    public static void Apply(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(decimal) || context.JsonTypeInfo.Type == typeof(decimal?))
            {
                schema.Format = "decimal";
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is { } name && QueryAndPath.TryGetValue(name, out var schema))
                {
                    parameter.Schema = schema.CreateShallowCopy();
                }
            }

            if (operation.RequestBody is not null)
            {
                operation.Responses ??= [];
                operation.Responses["413"] = new OpenApiResponse
                {
                    Description = $"The request body is larger than {WebConventions.MaxRequestBodyBytes / 1024} KiB (problem+json).",
                };
                operation.Responses["415"] = new OpenApiResponse { Description = "The request body is not sent as application/json (problem+json)." };
            }

            return Task.CompletedTask;
        });
    }
}
