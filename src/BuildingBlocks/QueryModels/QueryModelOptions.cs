using System.Globalization;
using Bank.BuildingBlocks.Settings;

namespace Bank.BuildingBlocks.QueryModels;

/// <summary>The <c>QueryModels</c> settings.</summary>
public sealed class QueryModelOptions : ISettings<QueryModelOptions>
{
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(1);

    public static string SectionName => "QueryModels";

    /// <summary>How long a query with <c>minVersion</c> waits at most for the version, before it answers <c>503</c>.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Problems()
    {
        if (MaxWait <= TimeSpan.Zero || MaxWait > Longest)
        {
            yield return SettingSections.Problem(
                SectionName, nameof(MaxWait), MaxWait.ToString("c", CultureInfo.InvariantCulture), $"must be more than 0 and at most {Longest:c}.");
        }
    }
}
