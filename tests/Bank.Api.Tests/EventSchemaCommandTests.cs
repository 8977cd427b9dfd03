using Bank.Testing;
using Xunit;

namespace Bank.Api.Tests;

/// <summary><c>scripts/run.sh schemas check</c> as a developer or CI runs it, on the repository's catalog and on a broken copy.</summary>
public sealed class EventSchemaCommandTests : IAsyncLifetime
{
    private readonly string _brokenCatalog = Path.Combine(Path.GetTempPath(), "event-catalog-" + Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_brokenCatalog))
        {
            Directory.Delete(_brokenCatalog, recursive: true);
        }
    }

    [Fact]
    public async Task The_repository_s_catalog_holds_the_wire_form_of_every_event_the_code_writes()
    {
        var (exitCode, output) = await HostProcess.RunScriptAsync("run.sh", Settings(), "schemas", "check");

        Assert.True(exitCode == 0, output);
        Assert.Contains("6 event types: the catalog holds the code's wire forms", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_the_code_renamed_since_its_release_fails_the_check_with_one_line_per_violation()
    {
        // The released MoneyDeposited called it amountInCents; the code calls it amount.
        CopyDirectory(Path.Combine(Repository.Root, "contracts", "events"), _brokenCatalog);
        var released = Path.Combine(_brokenCatalog, "MoneyDeposited", "v2.schema.json");
        await File.WriteAllTextAsync(released, (await File.ReadAllTextAsync(released)).Replace("\"amount\"", "\"amountInCents\"", StringComparison.Ordinal));

        var (exitCode, output) = await HostProcess.RunScriptAsync("run.sh", Settings(), "schemas", "check", "--catalog", _brokenCatalog);

        Assert.True(exitCode == 1, output);
        Assert.Equal(
            [
                "MoneyDeposited v2: field 'amountInCents': removed or renamed",
                "MoneyDeposited v2: field 'amount': added as required; a new field must be optional",
                "2 problems. A change other than a new optional field needs a new version with an upcaster.",
            ],
            output.Trim().Split('\n').Select(line => line.Trim()));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["ConnectionStrings:Postgres"] = _database.ConnectionString,
        ["Messaging:Transport"] = "InMemory",
        ["Logging:LogLevel:Default"] = "Warning",
    };
}
