namespace Nfv.Topology;

/// <summary>The names of the <see cref="DhcpClientKind"/>s as a topology writes them (<c>dhcp-client: udhcpc</c>), which are also their programs' names.</summary>
public static class DhcpClients
{
    /// <summary>
    /// The client a host with <c>address: dhcp</c> runs when the file names none: ISC dhclient, which every
    /// standard Debian 12 system has installed and most lab hosts run (see src/Nfv.Topology/README.md).
    /// </summary>
    public const DhcpClientKind Default = DhcpClientKind.Dhclient;

    /// <summary>Every client name, in the order the docs list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dhclient", "udhcpc", "dhcpcd"];

    /// <summary>The program (and topology) name of <paramref name="kind"/>.</summary>
    public static string Name(DhcpClientKind kind) => kind switch
    {
        DhcpClientKind.Dhclient => "dhclient",
        DhcpClientKind.Udhcpc => "udhcpc",
        DhcpClientKind.Dhcpcd => "dhcpcd",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a DHCP client"),
    };

    /// <summary>The Debian package that installs <paramref name="kind"/>.</summary>
    public static string Package(DhcpClientKind kind) => kind switch
    {
        DhcpClientKind.Dhclient => "isc-dhcp-client",
        DhcpClientKind.Udhcpc => "udhcpc",
        DhcpClientKind.Dhcpcd => "dhcpcd-base",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a DHCP client"),
    };

    /// <summary>Matches a name without case; false for anything else.</summary>
    public static bool TryParse(string name, out DhcpClientKind kind)
    {
        foreach (var candidate in Enum.GetValues<DhcpClientKind>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
