namespace Nfv.Tests.Common;

/// <summary>The checkout the tests run from, for tests that read its files (project files, READMEs, topologies).</summary>
public static class Repository
{
    /// <summary>The folder holding Nfv.sln, found above the test's own folder.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nfv.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Nfv.sln not found above " + AppContext.BaseDirectory);
    }
}
