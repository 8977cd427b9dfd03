using System.Net;
using System.Net.Sockets;
using Bank.BuildingBlocks.Settings;

namespace Bank.Host;

internal static class Configuration
{
    /// <summary>
    /// What stops the host before it starts, one line each: every bad setting, naming its key and value, and an address
    /// to listen on that another process holds. Printed instead of a stack trace (exit code 1).
    /// </summary>
    public static IReadOnlyList<string> Problems(IServiceCollection services, IConfiguration configuration) =>
        [.. SettingProblems(services), .. AddressesInUse(configuration)];

    /// <summary>Every bad setting, one line each: what an operator command, which listens nowhere, checks.</summary>
    public static IReadOnlyList<string> SettingProblems(IServiceCollection services) =>
        [.. SettingSections.ProblemsOf(services).Select(problem => $"Configuration error: {problem}")];

    /// <summary>The answer when the server could not listen after all (another process took the port meanwhile).</summary>
    public static string AddressInUse(string address) =>
        $"Cannot listen on {address}: the address is already in use. Stop what holds it, or set ASPNETCORE_URLS to another address " +
        "(ASPNETCORE_URLS=http://127.0.0.1:5081 scripts/run.sh).";

    // Looked at before anything starts, so that a port in use is one line rather than a started host's logs and a stack trace.
    private static IEnumerable<string> AddressesInUse(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                yield return $"Configuration error: {WebHostDefaults.ServerUrlsKey}='{url}': must be an address such as http://127.0.0.1:5080 (ASPNETCORE_URLS).";
                continue;
            }

            if (uri.Port == 0 || !IPAddress.TryParse(uri.Host, out var ip) && uri.Host != "localhost")
            {
                continue;
            }

            using var probe = new TcpListener(uri.Host == "localhost" ? IPAddress.Loopback : ip!, uri.Port);
            var inUse = false;
            try
            {
                probe.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                inUse = true;
            }
            finally
            {
                probe.Stop();
            }

            if (inUse)
            {
                yield return AddressInUse(url);
            }
        }
    }
}
