using System.ComponentModel;

namespace Nfv.Functions.Nat;

/// <summary>
/// What a NAT counts (its drops are <see cref="NatDrop"/>, counted beside these as <c>dropped_REASON</c>, since the router
/// that runs it counts the packet as its own <c>FeatureDrop</c>): values 0..n-1, names the <c>event</c> label of
/// <c>nfv_function_events_total</c>, descriptions their help. Kept in <see cref="NatFunction.Counters"/>.
/// </summary>
public enum NatEvent
{
    /// <summary>Sessions made (outbound flows, and inbound ones a filter or forward let in).</summary>
    [Description("sessions made")]
    SessionsCreated = 0,

    /// <summary>Sessions removed because their idle timeout passed.</summary>
    [Description("sessions removed after their idle timeout")]
    SessionsExpired = 1,

    /// <summary>Packets translated inside to outside (source rewritten).</summary>
    [Description("packets translated inside to outside")]
    TranslatedOut = 2,

    /// <summary>Packets translated outside to inside (destination rewritten).</summary>
    [Description("packets translated outside to inside")]
    TranslatedIn = 3,

    /// <summary>Packets from an inside host to an external address and port, sent back inside (both rewritten).</summary>
    [Description("packets from inside to an external endpoint, sent back inside")]
    Hairpinned = 4,

    /// <summary>ICMP errors translated, quoted datagram included.</summary>
    [Description("ICMP errors translated with the datagram they quote")]
    IcmpErrorsTranslated = 5,

    /// <summary>Later fragments translated as their first fragment was.</summary>
    [Description("later fragments translated as their first")]
    FragmentsTranslated = 6,
}
