namespace Nfv.Fuzz.Tests;

/// <summary>The files of the corpus and of the kept findings, as copied next to the tests.</summary>
internal static class FuzzCorpus
{
    public static IEnumerable<string> Seeds(string harness) => Files("Corpus", harness);

    /// <summary>Inputs that once crashed a harness (tests/Nfv.Fuzz/Findings/HARNESS/), kept as regression tests.</summary>
    public static IEnumerable<string> Findings(string harness) => Files("Findings", harness);

    private static IEnumerable<string> Files(string root, string harness)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, root, harness);
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order() : [];
    }
}
