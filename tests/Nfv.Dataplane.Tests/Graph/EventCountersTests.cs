using System.ComponentModel;
using Nfv.Abstractions.Inspection;

namespace Nfv.Dataplane.Tests.Graph;

/// <summary>A function's counters, declared once as an enum: what inspection and metrics see comes from the enum alone.</summary>
public class EventCountersTests
{
    private enum Sample
    {
        [Description("frames flooded")]
        Flooded = 0,
        FloodedTableFull = 1,
    }

    private enum Gapped
    {
        First = 0,
        Third = 2,
    }

    [Fact]
    public void Names_are_snake_case_help_comes_from_the_description_and_reads_follow_the_counts()
    {
        var counters = new EventCounters<Sample>();
        counters.Increment(Sample.Flooded);
        counters.Add(Sample.FloodedTableFull, 41);
        counters.Increment(Sample.FloodedTableFull);

        Assert.Equal((1, 42), (counters[Sample.Flooded], counters[Sample.FloodedTableFull]));
        var described = counters.Describe("dropped_", "packets dropped: ");
        Assert.Equal(["dropped_flooded", "dropped_flooded_table_full"], described.Select(c => c.Name));
        Assert.Equal(["packets dropped: frames flooded", "packets dropped: flooded table full"], described.Select(c => c.Help));
        counters.Increment(Sample.Flooded);
        Assert.Equal([2L, 42L], described.Select(c => c.Read()));
    }

    [Fact]
    public void An_enum_with_a_gap_is_refused_naming_the_member()
    {
        var error = Assert.Throws<TypeInitializationException>(() => new EventCounters<Gapped>());
        Assert.Equal("Gapped: event values must be 0..1, each once (Third is 2).", error.InnerException!.Message);
    }
}
