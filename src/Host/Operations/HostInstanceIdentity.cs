using System.Reflection;

namespace Bank.Host.Operations;

/// <summary>
/// This process among the bank's instances: an id unique to it (the machine, the process and a random part, since tests
/// run several hosts in one process), the version it runs, and when it started.
/// </summary>
internal sealed class HostInstanceIdentity(TimeProvider clock)
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..4]}";

    public string Version { get; } =
        typeof(HostInstanceIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public DateTimeOffset StartedAt { get; } = clock.GetUtcNow();
}
