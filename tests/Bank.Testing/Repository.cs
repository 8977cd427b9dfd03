namespace Bank.Testing;

/// <summary>The repository the tests run from, for the tests of its scripts.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "scripts", "postgres.sh")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("scripts/postgres.sh not found above " + AppContext.BaseDirectory);
    }
}
