namespace Nfv.Host.Tests.Replay;

/// <summary>
/// A golden replay case, written by hand: frames entering ports at given times, and the frames a
/// correct switch sends out of each port, with the time of the input frame that caused them.
/// </summary>
/// <param name="Name">The folder under Pcaps/ holding <c>in-PORT.pcap</c> and <c>expected-PORT.pcap</c>.</param>
/// <param name="Inputs">Per input port, in the order given to <c>--in</c>, its frames.</param>
/// <param name="Expected">Per port of the topology, the frames it must send, in order (empty: none).</param>
public sealed record GoldenScenario(
    string Name,
    IReadOnlyList<(string Port, IReadOnlyList<PcapRecord> Frames)> Inputs,
    IReadOnlyDictionary<string, IReadOnlyList<PcapRecord>> Expected)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
