namespace Nfv.Fuzz.Tests;

/// <summary>
/// The seed corpus in tests/Nfv.Fuzz/Corpus is what <see cref="Seeds"/> makes (<c>NFV_WRITE_GOLDEN=1</c> writes it), every
/// harness has seeds, and every seed runs clean: a seed that fails is a finding before fuzzing even starts.
/// </summary>
public class SeedTests
{
    public static TheoryData<string> HarnessNames => new(Harnesses.All.Select(h => h.Name));

    [Fact]
    public void Every_harness_has_seeds_and_the_corpus_on_disk_is_the_generated_one()
    {
        if (Environment.GetEnvironmentVariable("NFV_WRITE_GOLDEN") == "1")
        {
            var source = Path.Combine(AppContext.BaseDirectory, "../../../../Nfv.Fuzz/Corpus");
            foreach (var (harness, seeds) in Seeds.All)
            {
                var folder = Path.Combine(source, harness);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
                Directory.CreateDirectory(folder);
                foreach (var (name, bytes) in seeds)
                {
                    File.WriteAllBytes(Path.Combine(folder, name), bytes);
                }
            }
        }
        Assert.Equal(Harnesses.All.Select(h => h.Name).Order(), Seeds.All.Keys.Order());
        foreach (var (harness, seeds) in Seeds.All)
        {
            Assert.NotEmpty(seeds);
            var onDisk = FuzzCorpus.Seeds(harness).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            Assert.Equal(seeds.Select(s => s.Name).Order(), onDisk.Keys.Order());
            foreach (var (name, bytes) in seeds)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(onDisk[name]), $"Corpus/{harness}/{name} differs from Seeds.cs (NFV_WRITE_GOLDEN=1 rewrites it)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(HarnessNames))]
    public void Every_seed_and_every_kept_finding_runs_clean(string harness)
    {
        var run = Harnesses.Find(harness)!.Run;
        foreach (var file in FuzzCorpus.Seeds(harness).Concat(FuzzCorpus.Findings(harness)))
        {
            var input = File.ReadAllBytes(file);
            var error = Record.Exception(() => run(input));
            Assert.True(error is null, $"{file}: {error}");
        }
    }
}
