using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>
/// No namespace depends on itself through others. Read from the source with the compiler's own binding, so that
/// what leaves no trace in the compiled code (a constant, a <c>nameof</c>, a parent namespace used without a
/// <c>using</c>) counts too.
/// </summary>
public sealed class NamespaceCycleTests
{
    [Theory]
    [InlineData("src/BuildingBlocks")]
    [InlineData("src/Messaging")]
    [InlineData("src/Modules/Customers/Bank.Customers")]
    [InlineData("src/Modules/Accounts/Bank.Accounts")]
    [InlineData("src/Host")]
    public void No_namespace_depends_on_itself_through_others(string project)
    {
        var dependencies = NamespaceDependencies(Path.Combine(SourceFiles.RepositoryRoot(), project));

        var cycles = dependencies.Keys
            .SelectMany(from => Reachable(dependencies, from)
                .Where(to => string.CompareOrdinal(from, to) < 0 && Reachable(dependencies, to).Contains(from))
                .Select(to => $"{from} <-> {to}"))
            .ToList();

        Assert.True(cycles.Count == 0, "Namespace cycles: " + string.Join("; ", cycles));
    }

    /// <summary>For each namespace declared in the project's source, the other namespaces of it whose symbols its code names.</summary>
    private static Dictionary<string, HashSet<string>> NamespaceDependencies(string projectDirectory)
    {
        var trees = Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && (!path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || path.EndsWith(".GlobalUsings.g.cs", StringComparison.Ordinal)))
            .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: path))
            .ToList();
        var assembly = Path.GetFileNameWithoutExtension(Directory.EnumerateFiles(projectDirectory, "*.csproj").Single());
        var compilation = CSharpCompilation.Create(
            assembly, trees, ReferencesBesides(assembly), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        // A name the compiler cannot bind here would drop its dependency without a word.
        var unbound = compilation.GetDiagnostics().Where(d => d.Id is "CS0103" or "CS0234" or "CS0246").Select(d => d.ToString()).ToList();
        Assert.True(unbound.Count == 0, "Names this check cannot bind: " + string.Join("; ", unbound.Take(5)));
        var dependencies = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var root = tree.GetRoot();
            if (root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() is not { } from)
            {
                continue;
            }

            var used = dependencies.TryGetValue(from, out var known) ? known : dependencies[from] = new HashSet<string>(StringComparer.Ordinal);
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>().Where(n => n.Parent is not UsingDirectiveSyntax and not QualifiedNameSyntax { Parent: UsingDirectiveSyntax }))
            {
                var symbol = model.GetSymbolInfo(name).Symbol;
                var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                if (type?.ContainingAssembly.Name == assembly && type.ContainingNamespace.ToDisplayString() is var to && to != from)
                {
                    used.Add(to);
                }
            }
        }

        return dependencies;
    }

    /// <summary>The assemblies this test runs with (the framework, the packages and our other projects) but the one compiled from source.</summary>
    private static IEnumerable<MetadataReference> ReferencesBesides(string assembly) =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(path => Path.GetFileNameWithoutExtension(path) != assembly)
        .Select(path => MetadataReference.CreateFromFile(path));

    private static HashSet<string> Reachable(Dictionary<string, HashSet<string>> dependencies, string from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>(dependencies[from]);
        while (next.TryPop(out var ns))
        {
            if (seen.Add(ns))
            {
                foreach (var dependency in dependencies.GetValueOrDefault(ns) ?? [])
                {
                    next.Push(dependency);
                }
            }
        }

        return seen;
    }
}
