using System.Net.Mail;

namespace Bank.Customers.Domain;

/// <summary>
/// A customer's email address: one plain address (no display name), at most
/// <see cref="MaxLength"/> characters. Two addresses that differ only in case are the same customer.
/// </summary>
internal sealed record EmailAddress
{
    public const int MaxLength = 254;

    private EmailAddress(string value) => Value = value;

    public string Value { get; }

    /// <summary>The form that uniqueness is decided on.</summary>
    public string Normalized => Value.ToUpperInvariant();

    public static bool TryCreate(string? input, out EmailAddress? email, out string? error)
    {
        email = null;
        var trimmed = input?.Trim();
        error = trimmed switch
        {
            null or "" => "Required; must not be blank.",
            { Length: > MaxLength } => $"Must be at most {MaxLength} characters.",
            _ when !IsPlainAddress(trimmed) => "Must be a valid email address, such as ada@example.com.",
            _ => null,
        };
        if (error is null)
        {
            email = new EmailAddress(trimmed!);
        }

        return error is null;
    }

    private static bool IsPlainAddress(string value) =>
        !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
        && MailAddress.TryCreate(value, out var parsed)
        && parsed.Address == value
        && parsed.Host.Contains('.', StringComparison.Ordinal)
        && !parsed.Host.StartsWith('.')
        && !parsed.Host.EndsWith('.');

    public override string ToString() => Value;
}
