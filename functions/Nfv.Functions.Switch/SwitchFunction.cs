using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;

namespace Nfv.Functions.Switch;

/// <summary>
/// A learning Ethernet switch (an IEEE 802.1Q VLAN bridge without spanning tree): per-VLAN MAC learning with
/// ageing, known unicast forwarded to one port, broadcast, multicast and unknown unicast flooded to the other
/// connected ports of the VLAN, 802.1Q tags pushed, rewritten and popped per egress port.
/// </summary>
/// <remarks>
/// Runs on one dataplane worker: not thread-safe, except <see cref="MacCount"/> and <see cref="Counters"/>,
/// which any thread may read. The host reads <see cref="GetMacTable"/> on the worker thread.
/// </remarks>
public sealed partial class SwitchFunction : INetworkFunction
{
    private const int VlanIds = 4096;
    private const int TaggedHeaderSize = EthernetHeader.Size + EthernetHeader.VlanTagSize;
    private const ulong ReservedGroupMask = 0xFFFF_FFFF_FFF0UL;
    private const ulong ReservedGroupBase = 0x0180_C200_0000UL;

    private struct PortInfo
    {
        public int UntaggedVlan; // the access VLAN, or a trunk's native VLAN; 0 = untagged frames are dropped
        public bool IsTrunk;
    }

    private readonly string _name;
    private readonly string[] _portNames;
    private readonly PortInfo[] _ports;
    private readonly ulong[] _portVlans;   // 64 words per port: bit v set when the port carries VLAN v
    private readonly int[][] _flood;       // per VLAN id: the connected ports that carry it, ascending
    private readonly MacTable _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxFrame;        // mtu + 14: longest untagged non-GSO frame
    private readonly long _sweepInterval;  // timestamp units
    private long _nextSweep;
    private readonly long _borrowLife;     // timestamp units: how long an address found in Share is kept
    private readonly Action<int, MacAddress, int, long> _republish;
    private long _nextRepublish;
    private bool _fullReported;

    /// <summary>Creates a switch.</summary>
    /// <param name="name">The function's name in the topology (for logs).</param>
    /// <param name="options">Its checked configuration; <see cref="SwitchOptions.Ports"/> fixes the port indices.</param>
    /// <param name="connectedPorts">For each port, whether a link is attached; frames are never flooded to the others. Null: all are.</param>
    /// <param name="time">The clock ageing reads; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where the table-full warning and MAC moves (Debug) go; null for none.</param>
    /// <exception cref="ArgumentException">The options are out of range (the factory never builds such options).</exception>
    public SwitchFunction(string name, SwitchOptions options, IReadOnlyList<bool>? connectedPorts = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MacTableSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MacTableSize, SwitchOptions.MaxMacTableSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Mtu, SwitchOptions.MinMtu, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Mtu, SwitchOptions.MaxMtu, nameof(options));
        if (options.Ageing < SwitchOptions.MinAgeing || options.Ageing > SwitchOptions.MaxAgeing)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ageing, "Ageing is out of range.");
        }

        _name = name;
        Options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _maxFrame = options.Mtu + EthernetHeader.Size;

        var ports = options.Ports;
        _portNames = new string[ports.Count];
        _ports = new PortInfo[ports.Count];
        _portVlans = new ulong[ports.Count * (VlanIds / 64)];
        for (int p = 0; p < ports.Count; p++)
        {
            var port = ports[p];
            _portNames[p] = port.Name;
            _ports[p] = new PortInfo { UntaggedVlan = port.UntaggedVlan, IsTrunk = port.Mode == SwitchPortMode.Trunk };
            if (port.UntaggedVlan != 0)
            {
                SetVlan(p, port.UntaggedVlan, port.Name);
            }
            if (port.Mode == SwitchPortMode.Trunk)
            {
                foreach (int vlan in port.TrunkVlans)
                {
                    SetVlan(p, vlan, port.Name);
                }
            }
        }

        var connected = new bool[ports.Count];
        for (int p = 0; p < ports.Count; p++)
        {
            connected[p] = connectedPorts is null || (p < connectedPorts.Count && connectedPorts[p]);
        }
        _flood = new int[VlanIds][];
        var members = new List<int>();
        for (int vlan = 0; vlan < VlanIds; vlan++)
        {
            members.Clear();
            for (int p = 0; p < connected.Length; p++)
            {
                if (connected[p] && CarriesVlan(p, vlan))
                {
                    members.Add(p);
                }
            }
            _flood[vlan] = members.Count == 0 ? [] : [.. members];
        }

        long frequency = _time.TimestampFrequency;
        _table = new MacTable(options.MacTableSize, options.Ageing, frequency, [.. ports.Select(p => p.MaxMacs)]);
        // Lookups treat an expired entry as gone at once; the sweep only gives its slot back, within a second.
        _sweepInterval = Ticks(TimeSpan.FromTicks(Math.Min(options.Ageing.Ticks / 4, TimeSpan.TicksPerSecond)), frequency);
        _nextSweep = _time.GetTimestamp() + _sweepInterval;
        _borrowLife = Ticks(TimeSpan.FromTicks(Math.Min(options.Ageing.Ticks, TimeSpan.TicksPerSecond)), frequency);
        _republish = Republish;
    }

    /// <summary>
    /// The addresses the instances of this switch learned (<see cref="MacShare"/> says how they are put and used), when it
    /// runs as an instance per worker, whose bound the instances' tables hold together; null when it runs once.
    /// </summary>
    internal MacShare? Share
    {
        get;
        init
        {
            field = value;
            _table.Bound = value?.Bound;
        }
    }

    /// <summary>A duration in ticks of a clock of <paramref name="frequency"/> ticks a second.</summary>
    internal static long Ticks(TimeSpan span, long frequency) => Math.Max(1, (long)((Int128)span.Ticks * frequency / TimeSpan.TicksPerSecond));

    /// <summary>The function's name in the topology.</summary>
    public string Name => _name;

    /// <summary>The configuration the switch runs with.</summary>
    public SwitchOptions Options { get; }

    /// <summary>Port names by index.</summary>
    public IReadOnlyList<string> PortNames => _portNames;

    /// <summary>What the switch did so far; readable from any thread.</summary>
    public EventCounters<SwitchEvent> Counters { get; } = new();

    /// <summary>Entries in the MAC table now (expired ones not yet swept included); readable from any thread.</summary>
    public int MacCount => _table.Count;

    /// <summary>The MAC table itself, for tests. Worker thread only.</summary>
    internal MacTable Table => _table;

    /// <summary>
    /// The learned addresses (for <c>nfv show mac</c>), sorted by VLAN and MAC. Allocates. Call it on the worker
    /// thread (the management API does, through <c>PipelineWorker.InvokeAsync</c>).
    /// </summary>
    public IReadOnlyList<MacTableEntry> GetMacTable() => _table.Snapshot(_time.GetTimestamp());

    /// <inheritdoc/>
    /// <remarks>
    /// Measured (bench/README.md, SwitchBenchmark, 2-core 2.1 GHz Xeon VM, .NET 10): about 22 ns per 64-byte
    /// known-unicast frame at 32 frames per batch, learning included (19-23 ns over three runs); about 30 ns with a
    /// tag pushed or popped; about 119 ns per broadcast flooded to 4 ports (3 copies). Zero bytes allocated.
    /// </remarks>
    public void Process(PacketBatch batch, Emitter emit)
    {
        // One clock read per batch: every packet of a batch arrived at the same moment as far as ageing cares.
        long now = _time.GetTimestamp();
        if (now >= _nextSweep)
        {
            Sweep(now);
        }
        // Hot loop: ~22 ns per known-unicast frame, ~119 ns per 4-port broadcast (bench/README.md).
        foreach (var packet in batch.AsSpan())
        {
            Switch(packet, emit, now);
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit)
    {
        long now = _time.GetTimestamp();
        if (now >= _nextSweep)
        {
            Sweep(now);
        }
    }

    private void Switch(Packet packet, Emitter emit, long now)
    {
        ReadOnlySpan<byte> frame = packet.Data;
        int inPort = packet.InputPort;

        // 1. Sanity: every malformed frame is dropped here, by reason, before it can touch the table.
        if (frame.Length < EthernetHeader.Size)
        {
            emit.Drop(packet, SwitchDrop.Runt);
            return;
        }
        if ((uint)inPort >= (uint)_ports.Length)
        {
            emit.Drop(packet, SwitchDrop.UnknownInputPort);
            return;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
        bool tagged = type == EthernetHeader.TypeVlan;
        if ((tagged || type == EthernetHeader.TypeQinQ) && frame.Length < TaggedHeaderSize)
        {
            emit.Drop(packet, SwitchDrop.Truncated);
            return;
        }
        if (frame.Length > _maxFrame && !packet.Offload.IsGso && frame.Length > _maxFrame + TagAllowance(frame))
        {
            emit.Drop(packet, SwitchDrop.Oversize);
            return;
        }
        var destination = EthernetHeader.Destination(frame);
        var source = EthernetHeader.Source(frame);
        if (source.IsMulticast || source.Value == 0)
        {
            emit.Drop(packet, SwitchDrop.InvalidSource);
            return;
        }
        if ((destination.Value & ReservedGroupMask) == ReservedGroupBase && destination.Value != ReservedGroupBase)
        {
            emit.Drop(packet, SwitchDrop.ReservedGroup);
            return;
        }

        // 2. Ingress VLAN classification (802.1Q §6.9): untagged and priority-tagged (VID 0) frames belong to
        //    the port's access or native VLAN; tagged frames only to a VLAN a trunk carries.
        ref readonly PortInfo ingress = ref _ports[inPort];
        int vlan;
        int vid = tagged ? EthernetHeader.VlanId(frame) : 0;
        if (vid == 0)
        {
            vlan = ingress.UntaggedVlan;
            if (vlan == 0)
            {
                emit.Drop(packet, SwitchDrop.UntaggedOnTrunk);
                return;
            }
        }
        else if (!ingress.IsTrunk)
        {
            emit.Drop(packet, SwitchDrop.TaggedOnAccess);
            return;
        }
        else if (!CarriesVlan(inPort, vid))
        {
            emit.Drop(packet, SwitchDrop.VlanNotAllowed);
            return;
        }
        else
        {
            vlan = vid;
        }

        // 3. Learn the source.
        var learned = _table.Learn(vlan, source, inPort, now);
        if (learned == MacLearnResult.PortFull)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"{source} not learned: {_portNames[inPort]} has as many addresses as its max-macs allows");
            }
            emit.Drop(packet, SwitchDrop.PortMacLimit);
            return;
        }
        if (learned != MacLearnResult.Refreshed)
        {
            Learned(learned, vlan, source, inPort, now, packet, emit);
        }

        // 4. Forward known unicast to its one port, flood the rest.
        if (!destination.IsMulticast)
        {
            int outPort = _table.Lookup(vlan, destination, now);
            if (outPort < 0 && Share is not null)
            {
                outPort = Borrow(vlan, destination, packet, emit, now);
            }
            if (outPort >= 0)
            {
                if (outPort == inPort)
                {
                    if (packet.IsTraced)
                    {
                        emit.Trace(packet, $"{destination} is on {_portNames[outPort]}, where the frame came from (VLAN {vlan})");
                    }
                    emit.Drop(packet, SwitchDrop.SameSegment);
                    return;
                }
                Counters.Increment(SwitchEvent.Forwarded);
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"{destination} is on {_portNames[outPort]} (VLAN {vlan}): forwarded");
                }
                if (Encapsulate(packet, outPort, vlan, tagged, emit))
                {
                    emit.To(outPort, packet);
                }
                return;
            }
            if (_table.IsFull)
            {
                Counters.Increment(SwitchEvent.FloodedTableFull);
            }
        }
        Flood(packet, inPort, vlan, tagged, destination, emit);
    }

    // Sends a copy to every connected port of the VLAN but the ingress one; the last port gets the original,
    // so a flood to n ports costs n-1 copies and a frame with one other port in its VLAN costs none.
    private void Flood(Packet packet, int inPort, int vlan, bool tagged, MacAddress destination, Emitter emit)
    {
        int[] targets = _flood[vlan];
        int last = targets.Length - 1;
        if (last >= 0 && targets[last] == inPort)
        {
            last--;
        }
        if (last < 0)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"no other port in VLAN {vlan} to flood to");
            }
            emit.Drop(packet, SwitchDrop.NoEgressPort);
            return;
        }
        Counters.Increment(SwitchEvent.Flooded);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"{(destination.IsBroadcast ? "broadcast" : destination.IsMulticast ? $"multicast {destination}" : $"{destination} unknown")}: " +
                $"flooded to {FloodCount(targets, inPort)} port(s) of VLAN {vlan}");
        }
        for (int k = 0; k < last; k++)
        {
            int port = targets[k];
            if (port == inPort)
            {
                continue;
            }
            // The copy is taken from the untouched original: each port's encapsulation starts from the ingress frame.
            var copy = emit.Clone(packet);
            if (copy is null)
            {
                Counters.Increment(SwitchEvent.CopyFailed);
                continue;
            }
            if (Encapsulate(copy, port, vlan, tagged, emit))
            {
                emit.To(port, copy);
            }
        }
        int lastPort = targets[last];
        if (Encapsulate(packet, lastPort, vlan, tagged, emit))
        {
            emit.To(lastPort, packet);
        }
    }

    // Egress VLAN handling (802.1Q §8.8.2): the access VLAN and a trunk's native VLAN leave untagged, every other
    // VLAN leaves tagged. A tagged frame keeps its PCP and DEI bits. False after dropping the packet.
    private bool Encapsulate(Packet packet, int port, int vlan, bool tagged, Emitter emit)
    {
        bool untaggedOut = _ports[port].UntaggedVlan == vlan;
        if (tagged)
        {
            if (untaggedOut)
            {
                EthernetHeader.PopVlan(packet);
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"VLAN {vlan} tag popped for {_portNames[port]}");
                }
            }
            else
            {
                var tci = packet.Data.Slice(EthernetHeader.Size, 2);
                ushort old = BinaryPrimitives.ReadUInt16BigEndian(tci);
                if ((old & 0x0FFF) != vlan)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(tci, (ushort)((old & 0xF000) | vlan));
                    if (packet.IsTraced)
                    {
                        emit.Trace(packet, $"VLAN tag {old & 0x0FFF} rewritten to {vlan} for {_portNames[port]}");
                    }
                }
            }
        }
        else if (!untaggedOut)
        {
            if (!EthernetHeader.TryPushVlan(packet, vlan))
            {
                emit.Drop(packet, SwitchDrop.NoHeadroom);
                return false;
            }
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"VLAN {vlan} tag pushed for trunk {_portNames[port]}");
            }
        }
        return true;
    }

    // A destination this instance has not seen, looked up in what the other instances learned (Share) and kept for a
    // second at most: its entry is given a last sighting that far from the end of the ageing time. -1 when none knows it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Borrow(int vlan, MacAddress mac, Packet packet, Emitter emit, long now)
    {
        if (!Share!.TryGet((vlan, mac), now, out int port))
        {
            return -1;
        }
        _table.Learn(vlan, mac, port, now - _table.AgeingTicks + _borrowLife);
        if (packet.IsTraced)
        {
            emit.Trace(packet, $"{mac} is on {_portNames[port]} (VLAN {vlan}) as another instance of {_name} learned");
        }
        return port;
    }

    private void Republish(int vlan, MacAddress mac, int port, long seen) => Share!.Put((vlan, mac), port, seen);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Learned(MacLearnResult result, int vlan, MacAddress mac, int port, long now, Packet packet, Emitter emit)
    {
        if (result is MacLearnResult.Learned or MacLearnResult.Moved)
        {
            Share?.Put((vlan, mac), port, now);
        }
        switch (result)
        {
            case MacLearnResult.Learned:
                Counters.Increment(SwitchEvent.Learned);
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"learned {mac} on {_portNames[port]} (VLAN {vlan})");
                }
                break;
            case MacLearnResult.Moved:
                Counters.Increment(SwitchEvent.Moved);
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"{mac} moved to {_portNames[port]} (VLAN {vlan})");
                }
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    SwitchLog.MacMoved(_logger, _name, mac.ToString(), vlan, _portNames[port]);
                }
                break;
            case MacLearnResult.Full:
                Counters.Increment(SwitchEvent.TableFull);
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"{mac} not learned: the MAC table is full ({_table.Capacity} entries)");
                }
                if (!_fullReported)
                {
                    _fullReported = true;
                    SwitchLog.TableFull(_logger, _name, _table.Capacity);
                }
                break;
        }
    }

    private void Sweep(long now)
    {
        int aged = _table.RemoveExpired(now);
        Counters.Add(SwitchEvent.Aged, aged);
        _nextSweep = now + _sweepInterval;
        if (Share is not null && now >= _nextRepublish)
        {
            _table.ForEachLive(now, _republish);
            _nextRepublish = now + _table.AgeingTicks / 4;
        }
        if (_fullReported && !_table.IsFull)
        {
            _fullReported = false;
            SwitchLog.TableHasRoom(_logger, _name, _table.Count, _table.Capacity);
        }
    }

    // The ports a flood reaches: the VLAN's connected ports but the ingress one. Traced packets only.
    private static int FloodCount(int[] targets, int inPort) => Array.IndexOf(targets, inPort) >= 0 ? targets.Length - 1 : targets.Length;

    // Extra bytes an oversize check allows for tags: 4 for an outer 802.1Q or 802.1ad tag, 4 more for an inner one.
    private static int TagAllowance(ReadOnlySpan<byte> frame)
    {
        ushort outer = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
        if (outer != EthernetHeader.TypeVlan && outer != EthernetHeader.TypeQinQ)
        {
            return 0;
        }
        ushort inner = BinaryPrimitives.ReadUInt16BigEndian(frame[(EthernetHeader.TypeOffset + EthernetHeader.VlanTagSize)..]);
        return inner == EthernetHeader.TypeVlan ? 2 * EthernetHeader.VlanTagSize : EthernetHeader.VlanTagSize;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool CarriesVlan(int port, int vlan) =>
        (_portVlans[(port << 6) + (vlan >> 6)] & (1UL << vlan)) != 0;

    private void SetVlan(int port, int vlan, string portName)
    {
        if (vlan is < 1 or > 4094)
        {
            throw new ArgumentException($"Port '{portName}' has VLAN {vlan}; VLAN ids are 1..4094.", "options");
        }
        _portVlans[(port << 6) + (vlan >> 6)] |= 1UL << vlan;
    }
}
