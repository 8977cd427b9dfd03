namespace Bank.BuildingBlocks.Settings;

/// <summary>
/// One section of the host's settings as an options class: its section name and what is wrong with the values bound.
/// Every bad value is reported the same way (<see cref="SettingSections.Problem"/>), one line each, before anything starts.
/// </summary>
public interface ISettings<TSelf>
    where TSelf : class, ISettings<TSelf>, new()
{
    static abstract string SectionName { get; }

    /// <summary>What is wrong with the values as bound: one line each, naming the key and its value.</summary>
    IEnumerable<string> Problems();
}
