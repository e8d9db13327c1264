namespace NfvFunction1;

/// <summary>
/// Why the function dropped a frame. The values are 0..n-1: the indices of the blueprint's drop reasons and the
/// <c>reason</c> label of nfv's drop counters (<c>nfv show functions</c>, <c>nfv_function_drops_total</c>).
/// </summary>
public enum Wire1Drop
{
    /// <summary>Shorter than an Ethernet header (14 bytes).</summary>
    Runt = 0,

    /// <summary>Its EtherType is listed in <c>block</c>.</summary>
    Blocked = 1,
}
