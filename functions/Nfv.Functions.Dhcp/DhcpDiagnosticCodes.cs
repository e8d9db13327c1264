namespace Nfv.Functions.Dhcp;

/// <summary>
/// Diagnostic codes of the DHCP server's configuration, in the NFV13xx range reserved for it
/// (see <c>Nfv.Abstractions.Configuration.DiagnosticCodes</c>). Never reuse a retired code.
/// Generic problems use the shared codes: unknown key NFV0102, bad number NFV0202, bad address NFV0203,
/// bad MAC NFV0204, bad duration NFV0205.
/// </summary>
public static class DhcpDiagnosticCodes
{
    /// <summary>A pool range that is not <c>A-B</c> with A ≤ B.</summary>
    public const string BadRange = "NFV1301";

    /// <summary>A pool range or reserved address outside its subnet, or covering the subnet's network or broadcast address.</summary>
    public const string OutsideSubnet = "NFV1302";

    /// <summary>Pool ranges that overlap, or subnets that overlap.</summary>
    public const string Overlap = "NFV1303";

    /// <summary>A reservation that names no client, both a MAC and a client id, or an address or client reserved twice.</summary>
    public const string BadReservation = "NFV1304";

    /// <summary>A custom option with a code the server manages itself, a code outside 1..254, or a value that does not fit its type.</summary>
    public const string BadOption = "NFV1305";

    /// <summary>The pools are too large to hold in memory (more than 1,048,576 addresses).</summary>
    public const string PoolTooLarge = "NFV1306";

    /// <summary>A bare link is the only way to link the server: it has one port.</summary>
    public const string UnknownPort = "NFV1307";
}
