using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bank.Accounts;
using Bank.Customers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>What the modules' compiled code cannot show, read from their source.</summary>
public sealed partial class ModuleSourceTests
{
    [Theory]
    [InlineData("src/Modules/Customers")]
    [InlineData("src/Modules/Accounts")]
    public void No_module_saves_or_commits_by_itself(string module)
    {
        // Commands commit on the command path (CommandPath), query models with the batch that brought their events (QueryModelBatch).
        var saves = SourceFiles.Of(module)
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Where: $"{Path.GetFileName(path)}:{index + 1}", Line: line)))
            .Where(line => Saving().IsMatch(line.Line))
            .Select(line => $"{line.Where}: {line.Line.Trim()}");

        Assert.Empty(saves);
    }

    [Theory]
    [InlineData("src/Modules/Customers/Bank.Customers", "Bank.Accounts")]
    [InlineData("src/Modules/Accounts/Bank.Accounts", "Bank.Customers")]
    public void No_module_names_a_type_of_the_other_in_a_string(string module, string other)
    {
        // A string compared with another module's class name (its aggregate's, say) breaks silently when that class is renamed.
        var assembly = other == "Bank.Accounts" ? typeof(AccountsModule).Assembly : typeof(CustomersModule).Assembly;
        var names = assembly.GetTypes()
            .Where(type => !type.IsDefined(typeof(CompilerGeneratedAttribute)))
            .SelectMany(type => new[] { type.Name, type.FullName! })
            .ToHashSet(StringComparer.Ordinal);

        var named = SourceFiles.Of(module)
            .SelectMany(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path)).GetRoot().DescendantTokens()
                .Where(token => StringTokens.Contains(token.Kind()) && names.Contains(token.ValueText.Trim()))
                .Select(token => $"{Path.GetFileName(path)}: \"{token.ValueText}\""));

        Assert.Empty(named);
    }

    // Plain, verbatim, raw and UTF-8 literals, and the text between an interpolated string's holes.
    private static readonly HashSet<SyntaxKind> StringTokens =
    [
        SyntaxKind.StringLiteralToken,
        SyntaxKind.Utf8StringLiteralToken,
        SyntaxKind.SingleLineRawStringLiteralToken,
        SyntaxKind.MultiLineRawStringLiteralToken,
        SyntaxKind.InterpolatedStringTextToken,
    ];

    [GeneratedRegex(@"\b(SaveChanges|SaveChangesAsync|CommitAsync|BeginTransactionAsync)\b")]
    private static partial Regex Saving();
}
