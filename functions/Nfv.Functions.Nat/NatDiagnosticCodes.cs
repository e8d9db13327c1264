namespace Nfv.Functions.Nat;

/// <summary>
/// Diagnostic codes of the NAT's configuration, in the NFV14xx range reserved for it
/// (see <c>Nfv.Abstractions.Configuration.DiagnosticCodes</c>). Never reuse a retired code. Generic problems use the
/// shared codes: missing key NFV0101, unknown key NFV0102, wrong type NFV0201, bad number NFV0202, bad address NFV0203,
/// bad duration NFV0205.
/// </summary>
public static class NatDiagnosticCodes
{
    /// <summary>A port range that does not parse or is empty.</summary>
    public const string BadPortRange = "NFV1401";
    /// <summary>An unknown mapping or filtering mode.</summary>
    public const string BadMode = "NFV1402";
    /// <summary>A forward with a bad protocol, port or target.</summary>
    public const string BadForward = "NFV1403";
    /// <summary>Two forwards of one external port, or of one inside endpoint.</summary>
    public const string DuplicateForward = "NFV1404";
    /// <summary>An external address that is not an address of the interface that names the NAT (or listed twice).</summary>
    public const string BadExternal = "NFV1405";
    /// <summary>A per-host session bound above the total.</summary>
    public const string BadLimit = "NFV1406";
}
