namespace Nfv.Abstractions.Configuration;

/// <summary>
/// Diagnostic codes shared by the topology loader and every function, all <see cref="SharedPrefix"/>: NFV00xx syntax,
/// NFV01xx topology structure, NFV02xx values, NFV03xx environment (names taken, privileges). A function's own codes
/// begin with its factory's <see cref="INetworkFunctionFactory.DiagnosticPrefix"/> (the built-in ones keep the
/// NFV11xx–NFV14xx they always had). Never reuse a retired code.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>What every shared code begins with; no function's prefix may begin with it.</summary>
    public const string SharedPrefix = "NFV0";

    /// <summary>The file is not valid YAML.</summary>
    public const string YamlSyntax = "NFV0001";
    /// <summary>The file cannot be read.</summary>
    public const string FileUnreadable = "NFV0002";

    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "NFV0101";
    /// <summary>A key nobody reads (usually a typo).</summary>
    public const string UnknownKey = "NFV0102";
    /// <summary>A name is declared twice.</summary>
    public const string DuplicateName = "NFV0103";
    /// <summary>No factory for this kind.</summary>
    public const string UnknownKind = "NFV0104";
    /// <summary>A link names a function or port that does not exist.</summary>
    public const string UnknownPort = "NFV0105";
    /// <summary>A port is linked twice, or a link is malformed.</summary>
    public const string BadLink = "NFV0106";
    /// <summary>A declared port or function is not linked to anything.</summary>
    public const string Unlinked = "NFV0107";
    /// <summary>A lab host cannot be made as written: its port does not exist or cannot carry a host, or its address, gateway or DHCP client is wrong.</summary>
    public const string BadHost = "NFV0108";
    /// <summary>
    /// A feature reference (<c>features: [NAME]</c>) names nothing, or a function that is not a feature of the contract the
    /// place needs, or a feature another place already names; or a link names a feature.
    /// </summary>
    public const string BadFeature = "NFV0109";
    /// <summary>A function reported a code outside its own prefix and the shared ones (a bug in the function, reported beside its diagnostic).</summary>
    public const string ForeignCode = "NFV0110";
    /// <summary>A plugin the topology names (<c>plugins: [PATH]</c>) cannot be loaded, or makes a kind another already makes.</summary>
    public const string BadPlugin = "NFV0111";
    /// <summary>
    /// An external port declared wrong beyond its values' shapes: both a TAP and a tunnel, a tunnel remote listed twice,
    /// two tunnels receiving on one address and UDP port, a lab host on a tunnel.
    /// </summary>
    public const string BadExternalPort = "NFV0112";
    /// <summary>A <c>node:</c> or <c>nodes:</c> entry is wrong: an unknown node, one missing where the topology is split, a feature on another node than its user.</summary>
    public const string BadNode = "NFV0113";

    /// <summary>An entry of <c>tests:</c> is malformed or names what the topology does not have.</summary>
    public const string BadTest = "NFV0114";

    /// <summary>A range (<c>[A-B]</c>) that counts down, is too long, or does not go in step with its entry's.</summary>
    public const string BadRange = "NFV0115";

    /// <summary>A value has the wrong shape (a list where a mapping belongs, ...).</summary>
    public const string WrongType = "NFV0201";
    /// <summary>A number is not a number or out of range.</summary>
    public const string BadNumber = "NFV0202";
    /// <summary>An IPv4 address or prefix does not parse.</summary>
    public const string BadAddress = "NFV0203";
    /// <summary>A MAC address does not parse.</summary>
    public const string BadMac = "NFV0204";
    /// <summary>A duration does not parse.</summary>
    public const string BadDuration = "NFV0205";
    /// <summary>A name is not allowed (too long, bad characters).</summary>
    public const string BadName = "NFV0206";
    /// <summary>A VLAN id is out of 1..4094.</summary>
    public const string BadVlan = "NFV0207";
    /// <summary>A packet match's value is not understood: a protocol or ICMP type name, a port range.</summary>
    public const string BadMatch = "NFV0208";
    /// <summary>A packet match names ports without <c>protocol: tcp</c> or <c>udp</c>, or an ICMP type without <c>protocol: icmp</c>.</summary>
    public const string MatchNeedsProtocol = "NFV0209";
    /// <summary>A rate is not a number with a unit (<c>10mbit</c>), or out of range.</summary>
    public const string BadRate = "NFV0210";
    /// <summary>A size is not a number with a unit (<c>64kb</c>), or out of range.</summary>
    public const string BadSize = "NFV0211";

    /// <summary>An interface or namespace name is already in use on this machine.</summary>
    public const string NameTaken = "NFV0301";
    /// <summary>A program the topology needs (a lab host's DHCP client) is not installed on this machine.</summary>
    public const string MissingProgram = "NFV0302";

    /// <summary>A file the topology needs on this machine (a VM's kernel, initramfs or disk) does not exist.</summary>
    public const string MissingFile = "NFV0303";
}
