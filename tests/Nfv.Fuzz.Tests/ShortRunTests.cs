namespace Nfv.Fuzz.Tests;

/// <summary>
/// The suite's short fuzzing run: every harness over a few thousand mutations of its seeds, made by a fixed-seed
/// mutator (bit flips, boundary bytes, inserted, deleted and repeated ranges, splices of two seeds), so it finds the
/// shallow bugs on every run and the same input twice. The deep search is tests/fuzz.sh with afl++.
/// A failing input is written to the temporary folder, named in the message: copy it to tests/Nfv.Fuzz/Findings/HARNESS/.
/// </summary>
public class ShortRunTests
{
    private const int Executions = 3000;

    public static TheoryData<string> HarnessNames => SeedTests.HarnessNames;

    [Theory]
    [MemberData(nameof(HarnessNames))]
    public void Mutated_seeds_find_nothing(string harness)
    {
        var run = Harnesses.Find(harness)!.Run;
        var seeds = FuzzCorpus.Seeds(harness).Select(File.ReadAllBytes).ToArray();
        var mutator = new Mutator(seed: 11, seeds);
        for (int i = 0; i < Executions; i++)
        {
            var input = mutator.Next();
            var error = Record.Exception(() => run(input));
            if (error is not null)
            {
                var file = Path.Combine(Path.GetTempPath(), $"nfv-fuzz-{harness}-{i}.bin");
                File.WriteAllBytes(file, input);
                Assert.Fail($"input {i} ({file}): {error}");
            }
        }
    }
}
