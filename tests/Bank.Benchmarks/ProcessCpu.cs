namespace Bank.Benchmarks;

/// <summary>CPU seconds spent by the host's processes and by PostgreSQL's (every process of the postgres user), from /proc.</summary>
internal static class ProcessCpu
{
    public readonly record struct Usage(double Host, double Postgres);

    public static async Task<Usage> MeasureAsync(int[] hostProcesses, TimeSpan atLeast, Func<Task> during)
    {
        var (host, postgres) = (Ticks(hostProcesses), PostgresTicks());
        var work = during();
        await Task.WhenAll(work, Task.Delay(atLeast));
        var ticksPerSecond = 100.0;
        return new Usage((Ticks(hostProcesses) - host) / ticksPerSecond, (PostgresTicks() - postgres) / ticksPerSecond);
    }

    private static long Ticks(IEnumerable<int> processes) => processes.Sum(p => TicksOf($"/proc/{p}/stat"));

    private static long PostgresTicks()
    {
        var postgresUid = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == "postgres")[2];
        return Directory.GetDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d => File.Exists($"{d}/status") && ReadUid(d) == postgresUid)
            .Sum(d => TicksOf($"{d}/stat", withExitedChildren: true));
    }

    private static string? ReadUid(string processDirectory)
    {
        try
        {
            return File.ReadLines($"{processDirectory}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        }
        catch (IOException)
        {
            return null;
        }
    }

    // With exited children: a backend that ends takes its CPU time with it, into its parent's (the postmaster's), so that
    // PostgreSQL's total never shrinks when a connection closes.
    private static long TicksOf(string statFile, bool withExitedChildren = false)
    {
        try
        {
            // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th, then cutime and cstime.
            var fields = File.ReadAllText(statFile).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Skip(11).Take(withExitedChildren ? 4 : 2).Sum(field => long.Parse(field, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
