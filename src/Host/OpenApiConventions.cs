using Bank.BuildingBlocks.Web;
using Bank.BuildingBlocks.Web.Access;
using Bank.BuildingBlocks.Web.Idempotency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bank.Host;

/// <summary>
/// The OpenAPI document says what the API accepts: money as decimal numbers (never a binary float), paging and
/// versions as integers and ids as GUIDs (the endpoints read them as text only to answer a bad one with a clear 400),
/// the 413 and 415 answers every command can give, the Idempotency-Key header commands accept, and the bearer token
/// every endpoint but the anonymous ones needs (with its 401 and 403 answers).
/// </summary>
internal static class OpenApiConventions
{
    public const string BearerScheme = "Bearer";

    private static readonly Dictionary<string, OpenApiSchema> QueryAndPath = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = new() { Type = JsonSchemaType.String, Format = "uuid" },
        ["accountId"] = new() { Type = JsonSchemaType.String, Format = "uuid" },
        ["page"] = new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ["pageSize"] = new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
        ["minVersion"] = new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
    };

    public static void Apply(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from the configured issuer; locally, from scripts/token.sh --operator or --customer CUSTOMER_ID.",
            };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(decimal) || context.JsonTypeInfo.Type == typeof(decimal?))
            {
                schema.Format = "decimal";
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is { } name && QueryAndPath.TryGetValue(name, out var schema))
                {
                    var copy = (OpenApiSchema)schema.CreateShallowCopy();
                    if (name == "pageSize" && metadata.OfType<PagingLimits>().FirstOrDefault() is { } limits)
                    {
                        copy.Maximum = limits.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    parameter.Schema = copy;
                }
            }

            if (metadata.OfType<IdempotentCommandMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKey.HeaderName,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description =
                        "Optional; a repeat with the same key, method, path and body gets the first answer again (with " +
                        "Idempotent-Replayed: true) and changes nothing; another body gets 422. Kept at least 24 hours.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKey.MaxLength },
                });
                const string KeyReused = "an Idempotency-Key sent again with another method, path or body (problem+json)";
                operation.Responses ??= [];
                if (operation.Responses.TryGetValue("422", out var declared) && declared is OpenApiResponse refused)
                {
                    refused.Description = $"{refused.Description}; or {KeyReused}";
                }
                else
                {
                    operation.Responses["422"] = new OpenApiResponse { Description = char.ToUpperInvariant(KeyReused[0]) + KeyReused[1..] + "." };
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

            var policies = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).ToList();
            if (policies.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                operation.Responses ??= [];
                operation.Responses["401"] = new OpenApiResponse
                {
                    Description = "No bearer token, or one that is expired, tampered with, or for another issuer or audience (problem+json).",
                };
                if (policies.Contains(BankAccess.OperatorOnly))
                {
                    operation.Responses["403"] = new OpenApiResponse { Description = "The caller is not an operator (problem+json)." };
                }
            }

            return Task.CompletedTask;
        });
    }
}
