using System.Diagnostics;
using Bank.Testing;
using Xunit;

namespace Bank.Faults.Tests;

/// <summary><c>scripts/postgres.sh</c>, which every start runs: privileges only to set PostgreSQL up, never after.</summary>
public sealed class PostgresScriptTests
{
    [Fact]
    public async Task Once_PostgreSQL_is_set_up_the_script_needs_no_privileges()
    {
        // The suite has set PostgreSQL up already. As root, run the script as an unprivileged user, without sudo on the path.
        var script = Repository.Script("postgres.sh");
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
}
