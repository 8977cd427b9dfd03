using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

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

    /// <summary>
    /// PostgreSQL's own client, pgbench, inserting one durable row per transaction into <paramref name="table"/>
    /// (id uuid, account uuid, amount numeric) from <paramref name="clients"/> connections for <paramref name="duration"/>:
    /// the rate PostgreSQL reaches on this machine with the least client work, in transactions per second.
    /// </summary>
    public static async Task<double> PgbenchInsertsAsync(string connectionString, string table, int clients, TimeSpan duration)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.Combine(Path.GetTempPath(), $"bank-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, $"INSERT INTO {table} (id, account, amount) VALUES (gen_random_uuid(), gen_random_uuid(), 1);\n");
        try
        {
            var start = new ProcessStartInfo("pgbench")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--no-vacuum", "--protocol=prepared", $"--client={clients}", $"--jobs={Math.Min(clients, 2)}",
                $"--time={(int)duration.TotalSeconds}", $"--file={script}",
                $"--host={connection.Host}", $"--port={connection.Port}", $"--username={connection.Username}", connection.Database!,
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PGPASSWORD"] = connection.Password;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var tps = Regex.Match(await output, @"tps = ([0-9.]+) \(without initial connection time\)");
            return process.ExitCode == 0 && tps.Success
                ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {await errors}");
        }
        finally
        {
            File.Delete(script);
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
