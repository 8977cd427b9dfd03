using System.Reflection;
using Bank.Accounts;
using Bank.Accounts.Contracts;
using Bank.Customers;
using Bank.Customers.Contracts;
using NetArchTest.Rules;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>Modules meet only through their Contracts projects; a violation fails the build's tests.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly Customers = typeof(CustomersModule).Assembly;
    private static readonly Assembly Accounts = typeof(AccountsModule).Assembly;
    private static readonly Assembly CustomersContracts = typeof(CustomerCreated).Assembly;
    private static readonly Assembly AccountsContracts = typeof(AccountOpened).Assembly;

    public static TheoryData<string, string> ForbiddenReferences() => new()
    {
        { "Bank.Accounts", "Bank.Customers" },
        { "Bank.Customers", "Bank.Accounts" },
        { "Bank.Accounts.Contracts", "Bank.Customers" },
        { "Bank.Accounts.Contracts", "Bank.Customers.Contracts" },
        { "Bank.Customers.Contracts", "Bank.Accounts" },
        { "Bank.Customers.Contracts", "Bank.Accounts.Contracts" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenReferences))]
    public void A_module_does_not_reference_another_modules_internals(string module, string forbidden)
    {
        var assembly = new[] { Customers, Accounts, CustomersContracts, AccountsContracts }.Single(a => a.GetName().Name == module);

        Assert.DoesNotContain(forbidden, assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public void No_type_of_a_module_uses_the_internals_of_the_other()
    {
        // Full type names, so that "Bank.Accounts.X" does not also match the public "Bank.Accounts.Contracts".
        var accounts = Types.InAssembly(Accounts).ShouldNot()
            .HaveDependencyOnAny(Customers.GetTypes().Select(t => t.FullName!).ToArray()).GetResult();
        var customers = Types.InAssembly(Customers).ShouldNot()
            .HaveDependencyOnAny(Accounts.GetTypes().Select(t => t.FullName!).ToArray()).GetResult();

        Assert.True(accounts.IsSuccessful, string.Join(", ", accounts.FailingTypeNames ?? []));
        Assert.True(customers.IsSuccessful, string.Join(", ", customers.FailingTypeNames ?? []));
    }

    [Theory]
    [InlineData("Bank.Customers")]
    [InlineData("Bank.Accounts")]
    public void Only_the_module_class_of_a_module_is_public(string module)
    {
        var assembly = module == "Bank.Customers" ? Customers : Accounts;

        var publicTypes = assembly.GetExportedTypes().Select(t => t.Name);

        Assert.Equal([module.Replace("Bank.", "", StringComparison.Ordinal) + "Module"], publicTypes);
    }

    [Theory]
    [InlineData("Bank.Customers.Contracts")]
    [InlineData("Bank.Accounts.Contracts")]
    public void Contracts_depend_on_nothing_but_the_framework(string contracts)
    {
        var assembly = contracts == "Bank.Customers.Contracts" ? CustomersContracts : AccountsContracts;

        Assert.All(assembly.GetReferencedAssemblies(), reference =>
            Assert.True(reference.Name!.StartsWith("System", StringComparison.Ordinal) || reference.Name == "netstandard",
                $"{contracts} references {reference.Name}"));
    }

    [Theory]
    [InlineData("Bank.Customers")]
    [InlineData("Bank.Accounts")]
    public void The_domain_knows_nothing_of_storage_or_http(string module)
    {
        var assembly = module == "Bank.Customers" ? Customers : Accounts;

        var result = Types.InAssembly(assembly).That().ResideInNamespace($"{module}.Domain")
            .ShouldNot().HaveDependencyOnAny("Marten", "Npgsql", "Microsoft.AspNetCore", "MassTransit", "Confluent.Kafka")
            .GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
