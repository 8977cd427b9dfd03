using System.Text.Json;

namespace Bank.BuildingBlocks.Web;

/// <summary>
/// A JSON value a converter refuses, with what to tell the client about it. The serializer adds the field's path, and
/// <see cref="ApiExceptionHandler"/> answers <c>400</c> naming the field with this message.
/// </summary>
public sealed class InvalidJsonValue(string message) : JsonException(message);
