namespace Nfv.Host.Tests.Replay;

/// <summary>
/// A golden replay case, written by hand: frames entering ports at given times, and the frames a
/// correct function sends out of each port, with the time of the input frame that caused them.
/// </summary>
/// <param name="Name">The folder under Pcaps/ holding <c>in-PORT.pcap</c> and <c>expected-PORT.pcap</c>.</param>
/// <param name="Topology">The topology file under Pcaps/ the scenario runs over.</param>
/// <param name="Ports">Every external port of that topology.</param>
/// <param name="Inputs">Per input port, in the order given to <c>--in</c>, its frames.</param>
/// <param name="Expected">Per port of the topology, the frames it must send, in order (empty: none).</param>
public sealed record GoldenScenario(
    string Name,
    string Topology,
    IReadOnlyList<string> Ports,
    IReadOnlyList<(string Port, IReadOnlyList<PcapRecord> Frames)> Inputs,
    IReadOnlyDictionary<string, IReadOnlyList<PcapRecord>> Expected)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
