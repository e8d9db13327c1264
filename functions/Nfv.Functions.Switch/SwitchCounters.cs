namespace Nfv.Functions.Switch;

/// <summary>
/// What a switch did, counted since it started. Dropped frames are not here: the dataplane counts them per
/// <see cref="SwitchDrop"/> reason from <c>Emitter.Drop</c>.
/// </summary>
/// <remarks>
/// Written only by the worker that runs the switch, with plain increments (no interlocked cost on the hot path);
/// the getters read with <see cref="Volatile"/>, so any thread may read them (a 64-bit read is atomic on the
/// platforms we run on). A value read from another thread may lag the worker by a few packets.
/// </remarks>
public sealed class SwitchCounters
{
    internal long LearnedCount;
    internal long MovedCount;
    internal long AgedCount;
    internal long TableFullCount;
    internal long ForwardedCount;
    internal long FloodedCount;
    internal long FloodedTableFullCount;
    internal long CopyFailedCount;

    /// <summary>(VLAN, MAC) entries learned: a new source, or one seen again after it aged out.</summary>
    public long Learned => Volatile.Read(ref LearnedCount);

    /// <summary>Entries re-learned on another port: a host moved, or (many per second) an L2 loop.</summary>
    public long Moved => Volatile.Read(ref MovedCount);

    /// <summary>Entries removed because they were not seen for the ageing time.</summary>
    public long Aged => Volatile.Read(ref AgedCount);

    /// <summary>Frames whose source was not learned because the MAC table was full.</summary>
    public long TableFull => Volatile.Read(ref TableFullCount);

    /// <summary>Known-unicast frames sent out of the one port their destination was learned on.</summary>
    public long Forwarded => Volatile.Read(ref ForwardedCount);

    /// <summary>Frames flooded: broadcast, multicast, and unicast to an unknown destination.</summary>
    public long Flooded => Volatile.Read(ref FloodedCount);

    /// <summary>
    /// Unknown-unicast frames flooded while the MAC table was full: likely unknown only because the table
    /// had no room to learn their destination (a sign <c>mac-table-size</c> is too small, or of a MAC flood).
    /// </summary>
    public long FloodedTableFull => Volatile.Read(ref FloodedTableFullCount);

    /// <summary>Flood copies not sent because the packet pool was empty (no packet to drop, so counted here).</summary>
    public long CopyFailed => Volatile.Read(ref CopyFailedCount);
}
