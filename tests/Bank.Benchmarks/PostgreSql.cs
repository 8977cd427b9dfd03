using System.Diagnostics;

namespace Bank.Benchmarks;

internal static class PostgreSql
{
    /// <summary>Starts PostgreSQL through the project's own script, as the tests do.</summary>
    public static async Task EnsureRunningAsync()
    {
        var script = FindUp("scripts/postgres.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("scripts/postgres.sh failed.");
        }
    }

    private static string FindUp(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
