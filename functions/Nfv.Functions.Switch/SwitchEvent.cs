using System.ComponentModel;

namespace Nfv.Functions.Switch;

/// <summary>
/// What a switch counts besides its drops (<see cref="SwitchDrop"/>, counted by the dataplane): the values are 0..n-1,
/// the names the <c>event</c> label of <c>nfv_function_events_total</c> (<c>flooded_table_full</c>), the descriptions
/// their help. Kept in <see cref="SwitchFunction.Counters"/>.
/// </summary>
public enum SwitchEvent
{
    /// <summary>(VLAN, MAC) entries learned: a new source, or one seen again after it aged out.</summary>
    [Description("source addresses learned")]
    Learned = 0,

    /// <summary>Entries re-learned on another port: a host moved, or (many per second) an L2 loop.</summary>
    [Description("addresses re-learned on another port")]
    Moved = 1,

    /// <summary>Entries removed because they were not seen for the ageing time.</summary>
    [Description("entries removed after the ageing time")]
    Aged = 2,

    /// <summary>Frames whose source was not learned because the MAC table was full.</summary>
    [Description("frames whose source was not learned because the MAC table was full")]
    TableFull = 3,

    /// <summary>Known-unicast frames sent out of the one port their destination was learned on.</summary>
    [Description("known-unicast frames sent to one port")]
    Forwarded = 4,

    /// <summary>Frames flooded: broadcast, multicast, and unicast to an unknown destination.</summary>
    [Description("frames flooded to every other port of their VLAN")]
    Flooded = 5,

    /// <summary>
    /// Unknown-unicast frames flooded while the MAC table was full: likely unknown only because the table had no room to
    /// learn their destination (a sign <c>mac-table-size</c> is too small, or of a MAC flood).
    /// </summary>
    [Description("unknown-unicast frames flooded while the MAC table was full")]
    FloodedTableFull = 6,

    /// <summary>Flood copies not sent because the packet pool was empty (no packet to drop, so counted here).</summary>
    [Description("flood copies not sent because the packet pool was empty")]
    CopyFailed = 7,
}
