using System.ComponentModel;

namespace Nfv.Functions.Firewall;

/// <summary>
/// What a firewall counts besides its drops: the names are the <c>event</c> label of <c>nfv_function_events_total</c>.
/// Kept in <see cref="FirewallFunction.Counters"/>.
/// </summary>
public enum FirewallEvent
{
    /// <summary>Connections an allow rule (or the default policy) opened.</summary>
    [Description("connections opened")]
    Opened = 0,

    /// <summary>Connections removed after their idle time (or their closing) ran out.</summary>
    [Description("connections expired")]
    Expired = 1,

    /// <summary>ICMP errors passed because they quote a packet of a tracked connection.</summary>
    [Description("ICMP errors passed as related to a connection")]
    Related = 2,

    /// <summary>Packets of tracked connections passed without looking at the rules.</summary>
    [Description("packets passed as part of a tracked connection")]
    Tracked = 3,
}
