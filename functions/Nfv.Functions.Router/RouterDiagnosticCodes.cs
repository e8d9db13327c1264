namespace Nfv.Functions.Router;

/// <summary>
/// Diagnostic codes of the router's configuration, in the NFV12xx range reserved for it
/// (see <c>Nfv.Abstractions.Configuration.DiagnosticCodes</c>). Never reuse a retired code. Generic problems use the
/// shared codes: missing key NFV0101, unknown key NFV0102, duplicate name NFV0103, unknown port NFV0105,
/// bad number NFV0202, bad address NFV0203, bad MAC NFV0204, bad duration NFV0205.
/// </summary>
public static class RouterDiagnosticCodes
{
    /// <summary>A router without interfaces.</summary>
    public const string NoInterfaces = "NFV1201";
    /// <summary>An interface name that cannot be written in a link.</summary>
    public const string BadInterfaceName = "NFV1202";
    /// <summary>A link names the bare router: a router's ports are its interfaces, which must be named.</summary>
    public const string BareRouterLink = "NFV1203";
    /// <summary>A route with both or neither of <c>via</c> and <c>dev</c>.</summary>
    public const string ViaOrDev = "NFV1204";
    /// <summary>A static route that cannot be resolved (unknown interface, unreachable gateway).</summary>
    public const string UnresolvableRoute = "NFV1205";
    /// <summary>An address used twice, on one interface or two.</summary>
    public const string DuplicateAddress = "NFV1206";
    /// <summary>An interface address that is a network or broadcast address, or unusable (0/8, 127/8, multicast).</summary>
    public const string BadInterfaceAddress = "NFV1207";
    /// <summary>A MAC that is multicast or zero.</summary>
    public const string BadInterfaceMac = "NFV1208";
    /// <summary>Two interfaces whose subnets overlap: a packet to the common part would have two ways out.</summary>
    public const string OverlappingSubnets = "NFV1209";
    /// <summary>An interface with IPv6 addresses whose MTU is below IPv6's 1280.</summary>
    public const string Ipv6MtuTooSmall = "NFV1210";
    /// <summary>Router advertisements that cannot be sent as written (a router lifetime shorter than the interval, none on an interface without IPv6).</summary>
    public const string BadAdvertisements = "NFV1211";
}
