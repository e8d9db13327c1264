namespace Nfv.Functions.Firewall;

/// <summary>
/// Diagnostic codes of the firewall's configuration, in the NFV15xx range given to it. Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, wrong shape NFV0201, bad number NFV0202, bad address or
/// prefix NFV0203, bad duration NFV0205, bad VLAN NFV0207, unknown port in a link NFV0105.
/// </summary>
public static class FirewallDiagnosticCodes
{
    /// <summary>A word that is not one of those the key takes (<c>action: permit</c>, <c>protocol: sctpp</c>).</summary>
    public const string BadChoice = "NFV1501";

    /// <summary>A match that needs another: ports without <c>protocol: tcp</c> or <c>udp</c>, an ICMP type without <c>protocol: icmp</c>.</summary>
    public const string MatchNeedsProtocol = "NFV1502";

    /// <summary>A port or port range that is not <c>N</c> or <c>N-M</c> with 0 ≤ N ≤ M ≤ 65535.</summary>
    public const string BadPortRange = "NFV1503";
}
