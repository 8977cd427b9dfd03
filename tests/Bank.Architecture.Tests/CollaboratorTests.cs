using System.Reflection;
using System.Runtime.CompilerServices;
using Bank.Accounts;
using Bank.BuildingBlocks.EventSourcing;
using Bank.Customers;
using Bank.Messaging;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Bank.Architecture.Tests;

/// <summary>
/// A class needs a handful of collaborators at most: one that needs more does several jobs, and is split by role.
/// Settings, the clock, and where a class logs or counts are not collaborators; records, which carry data, are not counted.
/// </summary>
public sealed class CollaboratorTests
{
    private const int Handful = 6;

    public static TheoryData<string> Assemblies() =>
    [
        typeof(EventTypeRegistry).Assembly.GetName().Name!,
        typeof(MessagingSetup).Assembly.GetName().Name!,
        typeof(CustomersModule).Assembly.GetName().Name!,
        typeof(AccountsModule).Assembly.GetName().Name!,
        typeof(Program).Assembly.GetName().Name!,
    ];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_class_needs_more_than_a_handful_of_collaborators(string assembly)
    {
        var crowded = Assembly.Load(assembly).GetTypes()
            .Where(type => type.IsClass && !type.IsAbstract && !IsRecord(type) && !type.IsDefined(typeof(CompilerGeneratedAttribute)))
            .Select(type => (type.FullName, Collaborators: type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Select(constructor => constructor.GetParameters().Count(p => IsCollaborator(p.ParameterType)))
                .DefaultIfEmpty(0)
                .Max()))
            .Where(type => type.Collaborators > Handful)
            .Select(type => $"{type.FullName} ({type.Collaborators})")
            .ToList();

        Assert.True(crowded.Count == 0, string.Join(", ", crowded));
    }

    private static bool IsRecord(Type type) => type.GetMethod("<Clone>$") is not null;

    // A setting is a value, a string or a delegate; a logger or a meter is where the class writes, not whom it asks.
    private static bool IsCollaborator(Type type) =>
        !type.IsValueType
        && type != typeof(string)
        && type != typeof(TimeProvider)
        && !type.Name.EndsWith("Metrics", StringComparison.Ordinal)
        && !typeof(Delegate).IsAssignableFrom(type)
        && !typeof(ILogger).IsAssignableFrom(type)
        && !(type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("IOptions", StringComparison.Ordinal));
}
