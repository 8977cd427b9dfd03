namespace Bank.Architecture.Tests;

/// <summary>The repository's source, for the checks that the compiled assemblies cannot answer.</summary>
internal static class SourceFiles
{
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Modular.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("Modular.sln not found above " + AppContext.BaseDirectory);
        }

        return directory.FullName;
    }

    /// <summary>The C# files below <paramref name="directory"/> (relative to the repository), without build output.</summary>
    public static IEnumerable<string> Of(string directory) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), directory), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
}
