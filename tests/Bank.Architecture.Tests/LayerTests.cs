using System.Reflection;
using System.Text.RegularExpressions;
using Bank.Accounts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Customers;
using Bank.Messaging;
using NetArchTest.Rules;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>
/// The layers: modules build on the building blocks and on each other's Contracts only; the messaging
/// infrastructure is the host's business; nothing depends back up; no namespace depends on itself in a circle.
/// </summary>
public sealed class LayerTests
{
    private static readonly Assembly BuildingBlocks = typeof(EventTypeRegistry).Assembly;
    private static readonly Assembly Messaging = typeof(MessagingSetup).Assembly;
    private static readonly Assembly Customers = typeof(CustomersModule).Assembly;
    private static readonly Assembly Accounts = typeof(AccountsModule).Assembly;
    private static readonly Assembly Host = typeof(Program).Assembly;

    [Theory]
    [InlineData("Bank.Customers")]
    [InlineData("Bank.Accounts")]
    public void A_module_references_only_the_building_blocks_and_contracts(string module)
    {
        var references = AssemblyOf(module).GetReferencedAssemblies().Select(a => a.Name!).Where(name => name.StartsWith("Bank.", StringComparison.Ordinal));

        Assert.All(references, reference => Assert.True(
            reference == "Bank.BuildingBlocks" || reference.EndsWith(".Contracts", StringComparison.Ordinal),
            $"{module} references {reference}"));
    }

    [Theory]
    [InlineData("Bank.Customers")]
    [InlineData("Bank.Accounts")]
    public void No_type_of_a_module_uses_Kafka_or_the_messaging_infrastructure(string module)
    {
        var result = Types.InAssembly(AssemblyOf(module)).ShouldNot().HaveDependencyOnAny("Confluent.Kafka", "Bank.Messaging").GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void The_building_blocks_reference_no_module_no_host_and_no_infrastructure()
    {
        var references = BuildingBlocks.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Bank.", StringComparison.Ordinal));
        Assert.DoesNotContain("Confluent.Kafka", references);
    }

    [Fact]
    public void The_messaging_infrastructure_references_no_module_and_no_host()
    {
        var references = Messaging.GetReferencedAssemblies().Select(a => a.Name!).Where(name => name.StartsWith("Bank.", StringComparison.Ordinal));

        Assert.Equal(["Bank.BuildingBlocks"], references);
    }

    [Theory]
    [InlineData("Bank.BuildingBlocks")]
    [InlineData("Bank.Messaging")]
    [InlineData("Bank.Customers")]
    [InlineData("Bank.Accounts")]
    [InlineData("Bank.Host")]
    public void No_namespace_depends_on_itself_through_others(string assembly)
    {
        var dependencies = NamespaceDependencies(AssemblyOf(assembly));

        var cycles = dependencies.Keys
            .SelectMany(from => Reachable(dependencies, from).Where(to => string.CompareOrdinal(from, to) < 0 && Reachable(dependencies, to).Contains(from))
                .Select(to => $"{from} <-> {to}"))
            .ToList();

        Assert.True(cycles.Count == 0, "Namespace cycles: " + string.Join("; ", cycles));
    }

    private static Assembly AssemblyOf(string name) =>
        new[] { BuildingBlocks, Messaging, Customers, Accounts, Host }.Single(a => a.GetName().Name == name);

    /// <summary>For each namespace of the assembly, the other namespaces of it whose types its types use.</summary>
    private static Dictionary<string, List<string>> NamespaceDependencies(Assembly assembly)
    {
        var typesByNamespace = assembly.GetTypes()
            .Where(t => t is { IsNested: false, Namespace: not null } && !t.Name.Contains('<', StringComparison.Ordinal))
            .GroupBy(t => t.Namespace!)
            .ToDictionary(g => g.Key, g => g.Select(t => t.FullName!).ToArray());
        return typesByNamespace.Keys.ToDictionary(
            ns => ns,
            ns => typesByNamespace
                .Where(other => other.Key != ns && !Types.InAssembly(assembly).That().ResideInNamespaceMatching($"^{Regex.Escape(ns)}$")
                    .ShouldNot().HaveDependencyOnAny(other.Value).GetResult().IsSuccessful)
                .Select(other => other.Key)
                .ToList());
    }

    private static HashSet<string> Reachable(Dictionary<string, List<string>> dependencies, string from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>(dependencies[from]);
        while (next.TryPop(out var ns))
        {
            if (seen.Add(ns))
            {
                foreach (var dependency in dependencies[ns])
                {
                    next.Push(dependency);
                }
            }
        }

        return seen;
    }
}
