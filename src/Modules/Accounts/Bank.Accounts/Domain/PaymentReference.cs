using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Bank.Accounts.Domain;

/// <summary>The payer's text on a money movement: trimmed, at most <see cref="MaxLength"/> characters; blank is none.</summary>
internal static class PaymentReference
{
    public const int MaxLength = 140;

    public static bool TryParse(string? text, out string? reference, [NotNullWhen(false)] out string? error)
    {
        reference = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var length = reference is null ? 0 : new StringInfo(reference).LengthInTextElements;
        error = length <= MaxLength ? null : $"Must be at most {MaxLength} characters once trimmed; it has {length}.";
        return error is null;
    }
}
