using Microsoft.Extensions.Options;

namespace Bank.Host;

internal static class Configuration
{
    /// <summary>
    /// Checks the settings validated on start before anything starts, so a bad one stops the host with one line
    /// naming the key and the value (exit code 1) rather than with a stack trace.
    /// </summary>
    public static string? Problem(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return $"Configuration error: {string.Join(" ", e.Failures)}";
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            return $"Configuration error: {e.Message}";
        }
    }
}
