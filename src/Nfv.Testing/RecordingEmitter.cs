using Nfv.Abstractions;

namespace Nfv.Testing;

/// <summary>A frame a function sent: the port, a copy of its bytes, and its metadata when sent.</summary>
/// <param name="Port">The function's port it left by.</param>
/// <param name="Frame">The frame's bytes, copied.</param>
/// <param name="Offload">The packet's offload header.</param>
/// <param name="Headroom">The packet's headroom when sent.</param>
/// <param name="WasClone">True when the packet was made by <see cref="Emitter.Clone"/> or <see cref="Emitter.Allocate"/>.</param>
public sealed record SentFrame(int Port, byte[] Frame, VirtioNetHeader Offload, int Headroom, bool WasClone);

/// <summary>A frame a function dropped: the reason and a copy of its bytes.</summary>
/// <param name="Reason">The function's drop reason (its drop enum as an int).</param>
/// <param name="Frame">The frame's bytes, copied.</param>
public sealed record DroppedFrame(int Reason, byte[] Frame);

/// <summary>A frame a function handed to another of its instances (<see cref="Emitter.ToInstance"/>).</summary>
/// <param name="Instance">The instance it was handed to.</param>
/// <param name="InputPort">The port it arrived on, which it keeps.</param>
/// <param name="Frame">The frame's bytes, copied.</param>
public sealed record HandedFrame(int Instance, int InputPort, byte[] Frame);

/// <summary>
/// An in-memory <see cref="Emitter"/> for function unit tests: records every <see cref="To"/> and
/// <see cref="Drop"/>, rents clones from a <see cref="PacketPool"/>, and checks that every packet given to the
/// function (or cloned by it) ends in exactly one <see cref="To"/> or <see cref="Drop"/>.
/// </summary>
/// <remarks>
/// Each sent or dropped packet is copied into the record and returned to its pool at once, so a function that
/// touched a packet after emitting it, or emitted it twice, fails the test.
/// </remarks>
public sealed class RecordingEmitter : Emitter
{
    private readonly HashSet<Packet> _outstanding = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Packet> _made = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Packet> _held = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates an emitter over <paramref name="pool"/>, or over a new pool of 32 full-size packets.</summary>
    public RecordingEmitter(PacketPool? pool = null)
    {
        Pool = pool ?? new PacketPool(32);
    }

    /// <summary>Where input packets, clones and allocations come from.</summary>
    public PacketPool Pool { get; }

    /// <summary>Every frame sent, in order.</summary>
    public List<SentFrame> Sent { get; } = [];

    /// <summary>Every frame dropped, in order.</summary>
    public List<DroppedFrame> Dropped { get; } = [];

    /// <summary>Every frame handed to another instance of the function, in order.</summary>
    public List<HandedFrame> HandedOver { get; } = [];

    /// <summary>Every decision the function stated about a traced packet (<see cref="Emitter.Trace(Packet, string)"/>), in order.</summary>
    public List<string> Decisions { get; } = [];

    /// <summary>Successful <see cref="Clone"/> calls.</summary>
    public int Clones { get; private set; }

    /// <summary>When true, <see cref="Clone"/> and <see cref="Allocate"/> return null, as with an empty pool.</summary>
    public bool PoolExhausted { get; set; }

    /// <summary>The times the function asked for its next timer call (<see cref="Emitter.WakeAt"/>), in order.</summary>
    public List<long> WakeRequests { get; } = [];

    /// <inheritdoc/>
    public override void WakeAt(long timestamp) => WakeRequests.Add(timestamp);

    /// <summary>Packets the function holds (<see cref="Emitter.Hold"/>) and has not yet sent or dropped.</summary>
    public int Held => _held.Count;

    /// <inheritdoc/>
    public override void Hold(Packet packet)
    {
        Take(packet, nameof(Hold));
        _held.Add(packet);
    }

    /// <summary>Packets handed out and not yet sent or dropped.</summary>
    public int Outstanding => _outstanding.Count;

    /// <summary>Forgets what was recorded.</summary>
    public void Clear()
    {
        Sent.Clear();
        Dropped.Clear();
        HandedOver.Clear();
        Decisions.Clear();
        Clones = 0;
    }

    /// <summary>A packet from the pool holding <paramref name="frame"/>, as if it arrived on <paramref name="inputPort"/>.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="inputPort">The function's port it arrives on.</param>
    /// <param name="offload">Its offload header.</param>
    /// <param name="traced">True to trace it, as <c>nfv trace</c> does: the function's decisions land in <see cref="Decisions"/>.</param>
    public Packet Rent(ReadOnlySpan<byte> frame, int inputPort, VirtioNetHeader offload = default, bool traced = false)
    {
        var packet = Pool.Rent() ?? throw new InvalidOperationException("The test packet pool is empty.");
        packet.Load(frame, inputPort);
        packet.Offload = offload;
        packet.TraceId = traced ? 1 : 0;
        _outstanding.Add(packet);
        return packet;
    }

    /// <summary>
    /// Runs <paramref name="function"/> over one batch of <paramref name="packets"/> (made with <see cref="Rent"/>)
    /// and asserts that each, and each clone, was sent or dropped exactly once.
    /// </summary>
    public void Process(INetworkFunction function, params Packet[] packets)
    {
        var batch = new PacketBatch(Math.Max(1, packets.Length));
        foreach (var packet in packets)
        {
            batch.Add(packet);
        }
        function.Process(batch, this);
        Check.That(_outstanding.Count == 0,
            $"{_outstanding.Count} packet(s) ended in neither To nor Drop: every packet must end in exactly one of them.");
    }

    /// <summary>Clears the record, then runs <paramref name="function"/> over one frame arriving on <paramref name="inputPort"/>.</summary>
    public void Send(INetworkFunction function, int inputPort, ReadOnlySpan<byte> frame, VirtioNetHeader offload = default)
    {
        Clear();
        Process(function, Rent(frame, inputPort, offload));
    }

    /// <summary>Clears the record, then runs <paramref name="function"/> over one traced frame; returns the decisions it stated.</summary>
    public IReadOnlyList<string> SendTraced(INetworkFunction function, int inputPort, ReadOnlySpan<byte> frame)
    {
        Clear();
        Process(function, Rent(frame, inputPort, traced: true));
        return Decisions;
    }

    /// <inheritdoc/>
    protected override void OnTrace(Packet packet, string decision)
    {
        Check.That(_outstanding.Contains(packet) || _held.Contains(packet), $"Trace of a packet the function no longer owns (\"{decision}\"): state decisions before To or Drop.");
        Decisions.Add(decision);
    }

    /// <inheritdoc/>
    public override void To(int port, Packet packet)
    {
        Take(packet, nameof(To));
        Sent.Add(new SentFrame(port, packet.Data.ToArray(), packet.Offload, packet.Headroom, _made.Remove(packet)));
        packet.Release();
    }

    /// <inheritdoc/>
    public override void ToInstance(int instance, Packet packet)
    {
        Take(packet, nameof(ToInstance));
        HandedOver.Add(new HandedFrame(instance, packet.InputPort, packet.Data.ToArray()));
        packet.Release();
    }

    /// <inheritdoc/>
    public override void Drop(Packet packet, int reason)
    {
        Take(packet, nameof(Drop));
        _made.Remove(packet);
        Dropped.Add(new DroppedFrame(reason, packet.Data.ToArray()));
        packet.Release();
    }

    /// <inheritdoc/>
    public override Packet? Clone(Packet packet)
    {
        Check.That(_outstanding.Contains(packet), "Clone of a packet the function no longer owns.");
        if (PoolExhausted || Pool.Rent() is not { } copy)
        {
            return null;
        }
        copy.CopyFrom(packet);
        _outstanding.Add(copy);
        _made.Add(copy);
        Clones++;
        return copy;
    }

    /// <inheritdoc/>
    public override Packet? Allocate()
    {
        if (PoolExhausted || Pool.Rent() is not { } packet)
        {
            return null;
        }
        _outstanding.Add(packet);
        _made.Add(packet);
        return packet;
    }

    /// <summary>The ports frames were sent to, in ascending order (a port twice if it got two frames).</summary>
    public int[] SentPorts()
    {
        var ports = new int[Sent.Count];
        for (int i = 0; i < ports.Length; i++)
        {
            ports[i] = Sent[i].Port;
        }
        Array.Sort(ports);
        return ports;
    }

    /// <summary>Asserts nothing was dropped and exactly one frame went to each of <paramref name="ports"/>, and no other.</summary>
    public void AssertSentTo(params int[] ports)
    {
        Check.That(Dropped.Count == 0, $"Expected no drop, got reason(s) {string.Join(", ", Dropped.Select(d => d.Reason))}.");
        var expected = (int[])ports.Clone();
        Array.Sort(expected);
        Check.That(expected.SequenceEqual(SentPorts()), $"Expected one frame to each of port(s) {string.Join(", ", expected)}, got port(s) {string.Join(", ", SentPorts())}.");
    }

    /// <summary>The one frame sent to <paramref name="port"/>.</summary>
    public byte[] SentTo(int port)
    {
        var sent = Sent.Where(s => s.Port == port).ToList();
        Check.That(sent.Count == 1, $"Expected one frame sent to port {port}, got {sent.Count}.");
        return sent[0].Frame;
    }

    /// <summary>Asserts that exactly one frame was handled and it was dropped for <paramref name="reason"/>.</summary>
    public void AssertDropped<TReason>(TReason reason) where TReason : struct, Enum
    {
        Check.That(Sent.Count == 0, $"Expected a drop ({reason}), but {Sent.Count} frame(s) were sent to port(s) {string.Join(", ", SentPorts())}.");
        Check.That(Dropped.Count == 1, $"Expected one drop ({reason}), got {Dropped.Count}.");
        var dropped = (TReason)Enum.ToObject(typeof(TReason), Dropped[0].Reason);
        Check.That(dropped.Equals(reason), $"Expected a drop for {reason}, got {dropped}.");
    }

    /// <summary>How many frames were dropped for <paramref name="reason"/>.</summary>
    public int DropCount<TReason>(TReason reason) where TReason : struct, Enum
    {
        int value = Convert.ToInt32(reason, System.Globalization.CultureInfo.InvariantCulture);
        return Dropped.Count(d => d.Reason == value);
    }

    private void Take(Packet packet, string what)
    {
        Check.That(_outstanding.Remove(packet) || (what != nameof(Hold) && _held.Remove(packet)),
            $"{what} of a packet the function does not own: it was already sent or dropped, or never given to it.");
    }
}
