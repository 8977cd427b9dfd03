using System.Reflection;
using Bank.Accounts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Customers;
using Bank.Messaging;
using NetArchTest.Rules;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>
/// The layers: modules build on the building blocks and on each other's Contracts only; the messaging
/// infrastructure is the host's business; nothing depends back up.
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

    private static Assembly AssemblyOf(string name) =>
        new[] { BuildingBlocks, Messaging, Customers, Accounts, Host }.Single(a => a.GetName().Name == name);
}
