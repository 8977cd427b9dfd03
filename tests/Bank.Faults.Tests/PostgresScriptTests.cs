using System.Diagnostics;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary><c>scripts/postgres.sh</c>, which every start runs: privileges only to set PostgreSQL up, never after.</summary>
public sealed class PostgresScriptTests
{
    [Fact]
    public async Task Once_PostgreSQL_is_set_up_the_script_needs_no_privileges()
    {
        // The suite has set PostgreSQL up already. As root, run the script as an unprivileged user, without sudo on the path.
        var script = Path.Combine(RepositoryRoot(), "scripts", "postgres.sh");
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : "bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in asRoot ? ["-u", "nobody", "--", "env", "PATH=/usr/bin:/bin", "bash", script] : new[] { script })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}{await error}");
        Assert.Empty((await output + await error).Trim());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "scripts", "postgres.sh")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("scripts/postgres.sh not found above " + AppContext.BaseDirectory);
    }
}
