using System.Globalization;
using Bank.BuildingBlocks.Settings;

namespace Bank.Messaging.Relay;

/// <summary>The <c>Relay</c> settings.</summary>
public sealed class RelayOptions : ISettings<RelayOptions>
{
    public static string SectionName => "Relay";

    /// <summary>Whether this instance may relay (one instance at a time does); instances that only serve the API leave it to the others.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long committed events may wait with nothing relayed before <c>/health</c> says <c>Unhealthy</c>: no instance
    /// relays, or the relay is stuck.
    /// </summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Problems()
    {
        if (StalledAfter < TimeSpan.FromSeconds(5) || StalledAfter > TimeSpan.FromHours(1))
        {
            yield return SettingSections.Problem(
                SectionName, nameof(StalledAfter), StalledAfter.ToString("c", CultureInfo.InvariantCulture), "must be from 00:00:05 to 01:00:00.");
        }
    }
}
