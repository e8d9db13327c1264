namespace Nfv.Functions.Nat;

/// <summary>What a NAT did so far. Written by the worker; plain reads from other threads may lag slightly.</summary>
public sealed class NatCounters
{
    internal long SessionsCreatedCount;
    internal long SessionsExpiredCount;
    internal long TranslatedOutCount;
    internal long TranslatedInCount;
    internal long HairpinnedCount;
    internal long IcmpErrorsTranslatedCount;
    internal long FragmentsTranslatedCount;
    internal readonly long[] DropCounts = new long[Enum.GetValues<NatDrop>().Length];

    /// <summary>Sessions made (outbound flows, and inbound ones a filter or forward let in).</summary>
    public long SessionsCreated => Volatile.Read(ref SessionsCreatedCount);

    /// <summary>Sessions removed because their idle timeout passed.</summary>
    public long SessionsExpired => Volatile.Read(ref SessionsExpiredCount);

    /// <summary>Packets translated inside to outside (source rewritten).</summary>
    public long TranslatedOut => Volatile.Read(ref TranslatedOutCount);

    /// <summary>Packets translated outside to inside (destination rewritten).</summary>
    public long TranslatedIn => Volatile.Read(ref TranslatedInCount);

    /// <summary>Packets from an inside host to an external address and port, sent back inside (both rewritten).</summary>
    public long Hairpinned => Volatile.Read(ref HairpinnedCount);

    /// <summary>ICMP errors translated, quoted datagram included.</summary>
    public long IcmpErrorsTranslated => Volatile.Read(ref IcmpErrorsTranslatedCount);

    /// <summary>Later fragments translated as their first fragment was.</summary>
    public long FragmentsTranslated => Volatile.Read(ref FragmentsTranslatedCount);

    /// <summary>Packets dropped for <paramref name="reason"/>.</summary>
    public long Dropped(NatDrop reason) => Volatile.Read(ref DropCounts[(int)reason]);
}
