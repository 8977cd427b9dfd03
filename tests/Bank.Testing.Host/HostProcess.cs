using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bank.Testing;

/// <summary>
/// The real host as a child process (the same Bank.Host.dll the build produced), so that a crash can
/// be simulated for real: <see cref="Kill"/> sends SIGKILL, leaving no chance to flush or commit.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "Bank.Host.dll");

    // Started from elsewhere than its own directory, as an operator would: the host must still find its settings.
    private static readonly string OperatorsDirectory = Path.GetTempPath();

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The operating system's id of the process.</summary>
    public int Id => _process.Id;

    /// <summary>The most memory the process has held so far (its peak resident set).</summary>
    public long PeakWorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
    }

    /// <summary>A client that acts as an operator, unless given another token (null: none).</summary>
    public HttpClient CreateClient() => new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) }.As(TestTokens.Operator());

    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = new ProcessStartInfo("dotnet", [HostDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = OperatorsDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Auth__SigningKey"] = TestTokens.SigningKey;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var host = new HostProcess(Process.Start(start)!, address);
        await host.WaitUntilHealthyAsync();
        return host;
    }

    /// <summary>Runs a host command (verify, rebuild) to completion and returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunCommandAsync(IReadOnlyDictionary<string, string> settings, params string[] args) =>
        RunToExitAsync(new ProcessStartInfo("dotnet", [HostDll, .. args]) { WorkingDirectory = OperatorsDirectory }, settings);

    /// <summary>Runs one of the repository's scripts as a user would (<c>scripts/token.sh</c>, say); its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunScriptAsync(string script, IReadOnlyDictionary<string, string> settings, params string[] args) =>
        RunToExitAsync(new ProcessStartInfo("bash", [Repository.Script(script), .. args]), settings);

    // The output is stdout, then stderr.
    private static async Task<(int ExitCode, string Output)> RunToExitAsync(ProcessStartInfo start, IReadOnlyDictionary<string, string> settings)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>SIGKILL: the process dies at once, mid-request, mid-page, mid-commit.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops the host, and waits until it exited; returns how long that took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var started = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return started.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// A free port below the kernel's range for outgoing connections: whatever binds it does so a moment later, and
    /// meanwhile a port from that range could be taken by any connection to PostgreSQL or a broker.
    /// </summary>
    public static int FreePort()
    {
        var below = OutgoingPortsStart();
        while (true)
        {
            var port = Random.Shared.Next(10_000, below);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: another.
            }
        }
    }

    private static int OutgoingPortsStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range)
            && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            && start > 11_000
                ? start
                : 32_768;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The host did not become healthy:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
