using System.Globalization;
using Nfv.Abstractions;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;

namespace Nfv.Functions.Steer;

/// <summary>
/// The running steering function, a service function forwarder: a packet from inside falls in the first class it
/// matches and leaves into that class's chain (or straight outside, <c>direct</c>); back from the chain's far end it
/// goes on outside. A packet from outside is matched reversed (source and destination, ports swapped), so a reply
/// takes its request's chain backwards and leaves inside. Frames that are not IPv4 take the default.
/// </summary>
/// <remarks>Stateless apart from its counters; run by one worker thread, nothing allocated per packet.</remarks>
public sealed class SteerFunction : INetworkFunction, IInspectableFunction
{
    private const int Inside = 0, Outside = 1;

    private readonly Ipv4Matcher[] _matchers;
    private readonly int[] _classChain;      // per class: chain index, -1 direct
    private readonly int _default;
    private readonly int _chains;
    private readonly long[] _counts;         // per chain (the last is direct): outbound packets, bytes, inbound packets, bytes
    private FunctionTable[]? _tables;
    private IReadOnlyList<FunctionCounter>? _events;

    /// <summary>Creates the function for <paramref name="options"/>.</summary>
    public SteerFunction(SteerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _matchers = [.. options.Classes.Select(c => new Ipv4Matcher(c.Match))];
        _classChain = [.. options.Classes.Select(c => c.Chain)];
        _default = options.Default;
        _chains = options.Chains.Count;
        _counts = new long[(_chains + 1) * 4];
    }

    /// <summary>The configuration.</summary>
    public SteerOptions Options { get; }

    /// <summary>What the function counts besides its drops; readable from any thread.</summary>
    public EventCounters<SteerEvent> Counters { get; } = new();

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        foreach (var packet in batch.AsSpan())
        {
            Handle(packet, emit);
        }
    }

    private void Handle(Packet packet, Emitter emit)
    {
        int input = packet.InputPort;
        if ((uint)input >= 2 + (2 * (uint)_chains))
        {
            emit.Drop(packet, SteerDrop.UnknownInputPort);
            return;
        }
        if (input >= 2)
        {
            // Back from a chain: its far end goes on outside, its start (a reply that went through it backwards) inside.
            Counters.Increment(SteerEvent.Rejoined);
            emit.To((input & 1) == 1 ? Outside : Inside, packet);
            return;
        }
        var frame = packet.Data;
        int chain = _default, cls = -1;
        var read = Ipv4Fields.Read(frame, out var fields);
        if (read == Ipv4FieldsResult.Malformed)
        {
            emit.Drop(packet, SteerDrop.Malformed);
            return;
        }
        if (read == Ipv4FieldsResult.Ipv4)
        {
            if (input == Outside)
            {
                (fields.Source, fields.Destination) = (fields.Destination, fields.Source);
                (fields.SourcePort, fields.DestinationPort) = (fields.DestinationPort, fields.SourcePort);
            }
            cls = Ipv4Matcher.First(_matchers, fields);
            if (cls >= 0)
            {
                chain = _classChain[cls];
            }
        }
        Counters.Increment(cls >= 0 ? SteerEvent.Classified : SteerEvent.Defaulted);
        int slot = 4 * (chain < 0 ? _chains : chain) + (input == Inside ? 0 : 2);
        _counts[slot]++;
        _counts[slot + 1] += frame.Length;
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"{(cls >= 0 ? $"class {Options.Classes[cls].Name}" : "no class")}: chain {ChainName(chain)}, {(input == Inside ? "outbound" : "inbound")}");
        }
        // Into the chain at its start going out, at its far end coming in; direct straight across.
        emit.To(chain < 0 ? input ^ 1 : 2 + (2 * chain) + input, packet);
    }

    private string ChainName(int chain) => chain < 0 ? SteerFunctionFactory.Direct : Options.Chains[chain];

    /// <summary>Chain <paramref name="chain"/>'s packets and bytes each way (-1: direct).</summary>
    public (long OutboundPackets, long OutboundBytes, long InboundPackets, long InboundBytes) ChainCounters(int chain)
    {
        int slot = 4 * (chain < 0 ? _chains : chain);
        return (Volatile.Read(ref _counts[slot]), Volatile.Read(ref _counts[slot + 1]), Volatile.Read(ref _counts[slot + 2]), Volatile.Read(ref _counts[slot + 3]));
    }

    /// <inheritdoc/>
    /// <remarks><c>chains</c>: each chain (and direct) with the classes that pick it and its traffic each way.</remarks>
    public IReadOnlyList<FunctionTable> Tables => _tables ??=
    [
        new FunctionTable("chains", ["chain", "classes", "outbound_packets", "outbound_bytes", "inbound_packets", "inbound_bytes"],
            _chains + 1, () => _chains + 1, ChainRows),
    ];

    /// <inheritdoc/>
    public IReadOnlyList<FunctionCounter> Events => _events ??= Counters.Describe();

    private IEnumerable<IReadOnlyList<string>> ChainRows()
    {
        for (int chain = 0; chain <= _chains; chain++)
        {
            int index = chain == _chains ? -1 : chain;
            var classes = Options.Classes.Where(c => c.Chain == index).Select(c => c.Name).ToList();
            if (_default == index)
            {
                classes.Add("default");
            }
            var (outPackets, outBytes, inPackets, inBytes) = ChainCounters(index);
            yield return
            [
                ChainName(index), string.Join(", ", classes),
                outPackets.ToString(CultureInfo.InvariantCulture), outBytes.ToString(CultureInfo.InvariantCulture),
                inPackets.ToString(CultureInfo.InvariantCulture), inBytes.ToString(CultureInfo.InvariantCulture),
            ];
        }
    }
}
