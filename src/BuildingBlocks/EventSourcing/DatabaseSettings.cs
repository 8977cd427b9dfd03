using Bank.BuildingBlocks.Settings;
using Npgsql;

namespace Bank.BuildingBlocks.EventSourcing;

/// <summary><c>ConnectionStrings:Postgres</c>: the database of the event store, the query models and everything else the bank keeps.</summary>
public sealed class DatabaseSettings : ISettings<DatabaseSettings>
{
    public static string SectionName => "ConnectionStrings";

    public string? Postgres { get; set; }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Postgres))
        {
            yield return SettingSections.Problem(
                SectionName, nameof(Postgres), null, "is not set (environment variable ConnectionStrings__Postgres).");
            yield break;
        }

        string? error = null;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(Postgres);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }

        if (error is not null)
        {
            // The value holds the password: only what is wrong with it is told.
            yield return SettingSections.Problem(SectionName, nameof(Postgres), null, $"is not a PostgreSQL connection string ({error}).");
        }
    }
}
