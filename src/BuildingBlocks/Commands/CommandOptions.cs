using Bank.BuildingBlocks.Settings;

namespace Bank.BuildingBlocks.Commands;

/// <summary>The <c>Commands</c> settings.</summary>
public sealed class CommandOptions : ISettings<CommandOptions>
{
    public static string SectionName => "Commands";

    /// <summary>Whether commands that arrive while others commit share one transaction (<see cref="CommandGroups"/>).</summary>
    public bool GroupCommit { get; set; } = true;

    public IEnumerable<string> Problems() => [];
}
