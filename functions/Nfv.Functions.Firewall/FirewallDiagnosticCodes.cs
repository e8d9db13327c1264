namespace Nfv.Functions.Firewall;

/// <summary>
/// Diagnostic codes of the firewall's configuration, in the NFV15xx range given to it. Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, wrong shape NFV0201, bad number NFV0202, bad address or
/// prefix NFV0203, bad duration NFV0205, bad VLAN NFV0207, a match's bad value NFV0208 or missing protocol NFV0209,
/// unknown port in a link NFV0105. Retired: NFV1502 and NFV1503 (a rule's match, now the shared NFV0209 and NFV0208).
/// </summary>
public static class FirewallDiagnosticCodes
{
    /// <summary>A word that is not one of those the key takes (<c>action: permit</c>, <c>from: lan</c>, <c>default: reject</c>).</summary>
    public const string BadChoice = "NFV1501";
}
