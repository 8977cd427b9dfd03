using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Bank.BuildingBlocks.Settings;

/// <summary>Reads and validates <see cref="ISettings{TSelf}"/> sections, naming every bad value with its key.</summary>
public static class SettingSections
{
    /// <summary>
    /// The one shape of a bad setting: <c>Section:Key='value': what it must be.</c> A secret's value is left out (null).
    /// </summary>
    public static string Problem(string section, string key, object? value, string expectation) =>
        value is null
            ? $"{section}:{key}: {expectation}"
            : string.Create(CultureInfo.InvariantCulture, $"{section}:{key}='{value}': {expectation}");

    /// <summary>
    /// The section's values; each value that does not convert to its property's type is added to
    /// <paramref name="problems"/> and left at its default, and so is each broken rule of the section.
    /// </summary>
    public static T Read<T>(IConfiguration configuration, ICollection<string>? problems = null)
        where T : class, ISettings<T>, new()
    {
        var section = configuration.GetSection(T.SectionName);
        var settings = new T();
        var unconverted = false;
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var value = section.GetSection(property.Name);
            if (!value.Exists())
            {
                continue;
            }

            try
            {
                if (typeof(IDictionary).IsAssignableFrom(property.PropertyType))
                {
                    value.Bind(property.GetValue(settings));
                }
                else
                {
                    property.SetValue(settings, value.Get(property.PropertyType));
                }
            }
            catch (InvalidOperationException)
            {
                unconverted = true;
                problems?.Add(Problem(T.SectionName, property.Name, value.Value, Expectation(property.PropertyType)));
            }
        }

        if (!unconverted)
        {
            foreach (var problem in settings.Problems())
            {
                problems?.Add(problem);
            }
        }

        return settings;
    }

    /// <summary>
    /// Binds the section as options, validated with its rules when the host starts, and lists it for
    /// <see cref="ProblemsOf"/>, which a host asks before it builds anything.
    /// </summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, ISettings<T>, new()
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<T>)))
        {
            return services;
        }

        services.AddOptions<T>().Configure(settings => Copy(Read<T>(configuration), settings)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, Validation<T>>();
        services.AddSingleton(new RegisteredSection(problems => Read<T>(configuration, problems)));
        return services;
    }

    /// <summary><see cref="AddSettings{T}"/>, and a singleton made from nothing but the section's validated values.</summary>
    public static IServiceCollection AddSettings<T, TService>(this IServiceCollection services, IConfiguration configuration, Func<T, TService> create)
        where T : class, ISettings<T>, new()
        where TService : class =>
        services.AddSettings<T>(configuration).AddSingleton(provider => create(provider.Settings<T>()));

    /// <summary>The section's values, as bound and validated when the host started (<see cref="AddSettings{T}"/>).</summary>
    public static T Settings<T>(this IServiceProvider provider)
        where T : class, ISettings<T>, new() =>
        provider.GetRequiredService<IOptions<T>>().Value;

    /// <summary>Every bad value of every section registered in <paramref name="services"/>, one line each; empty when all are good.</summary>
    public static IReadOnlyList<string> ProblemsOf(IServiceCollection services)
    {
        var problems = new List<string>();
        foreach (var section in services.Select(d => d.ImplementationInstance).OfType<RegisteredSection>())
        {
            section.Read(problems);
        }

        return problems;
    }

    private static void Copy<T>(T from, T to)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            property.SetValue(to, property.GetValue(from));
        }
    }

    private static string Expectation(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(bool) => "must be true or false.",
            _ when underlying == typeof(TimeSpan) => "must be a duration such as 00:00:05 (5 seconds).",
            _ when underlying.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(underlying))}.",
            _ when underlying == typeof(int) || underlying == typeof(short) || underlying == typeof(long) => "must be a whole number.",
            _ => $"must be a {underlying.Name}.",
        };
    }

    private sealed record RegisteredSection(Action<ICollection<string>> Read);

    private sealed class Validation<T> : IValidateOptions<T>
        where T : class, ISettings<T>, new()
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
