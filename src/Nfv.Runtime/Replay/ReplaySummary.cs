using System.Text;

namespace Nfv.Runtime.Replay;

/// <summary>What an offline replay did: frames in and out per port, frames discarded, drops by function and reason.</summary>
public sealed record ReplaySummary
{
    /// <summary>The topology's name.</summary>
    public required string Topology { get; init; }

    /// <summary>Frames read from each port's --in file, in --in order.</summary>
    public required IReadOnlyList<(string Port, long Frames)> In { get; init; }

    /// <summary>Frames written to each port's --out file, in --out order.</summary>
    public required IReadOnlyList<(string Port, long Frames)> Out { get; init; }

    /// <summary>Frames sent to ports that have no --out file, per port (only ports that got some).</summary>
    public required IReadOnlyList<(string Port, long Frames)> Discarded { get; init; }

    /// <summary>Drops by <c>function/reason</c> (the graph's own as <c>graph/reason</c>), only those that happened.</summary>
    public required IReadOnlyList<(string Where, long Frames)> Drops { get; init; }

    /// <summary>Input frames that could not be replayed (longer than a packet buffer).</summary>
    public long Skipped { get; init; }

    /// <summary>
    /// One line: <c>replay 'lab': in p1 3, p2 2; out p2 3; discarded p3 2 (no --out); dropped sw/SameSegment 1</c>.
    /// </summary>
    public override string ToString()
    {
        var line = new StringBuilder($"replay '{Topology}': in {List(In)}; out {List(Out)}");
        if (Discarded.Count > 0)
        {
            line.Append($"; discarded {List(Discarded)} (no --out)");
        }
        line.Append($"; dropped {List(Drops)}");
        if (Skipped > 0)
        {
            line.Append($"; skipped {Skipped} input frame(s) too long for a packet buffer");
        }
        return line.ToString();
    }

    private static string List(IReadOnlyList<(string Name, long Frames)> items) =>
        items.Count == 0 ? "none" : string.Join(", ", items.Select(i => $"{i.Name} {i.Frames}"));
}
