using System.Globalization;

namespace Bank.Customers.Domain;

/// <summary>
/// A first or last name: trimmed, not blank, at most <see cref="MaxLength"/> characters as a person sees them (text
/// elements: an emoji or a letter with its accents counts once).
/// </summary>
internal sealed record PersonName
{
    public const int MaxLength = 100;

    private PersonName(string value) => Value = value;

    public string Value { get; }

    public static bool TryCreate(string? input, out PersonName? name, out string? error)
    {
        name = null;
        var trimmed = input?.Trim();
        error = trimmed switch
        {
            null or "" => "Required; must not be blank.",
            _ when new StringInfo(trimmed).LengthInTextElements > MaxLength => $"Must be at most {MaxLength} characters.",
            _ when trimmed.Any(char.IsControl) => "Must not contain control characters.",
            _ => null,
        };
        if (error is null)
        {
            name = new PersonName(trimmed!);
        }

        return error is null;
    }

    public override string ToString() => Value;
}
