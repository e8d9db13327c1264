namespace Nfv.Topology;

/// <summary>
/// The DHCP client a lab host with <c>address: dhcp</c> runs in its namespace (the host key
/// <c>dhcp-client</c>). The real programs are the Debian packages' own, driven so that they touch nothing
/// outside the run: their state and script live in a temporary folder that is removed at stop.
/// </summary>
public enum DhcpClientKind
{
    /// <summary>
    /// The default: the first of dhclient, udhcpc (or BusyBox's), dhcpcd that is installed, else <see cref="Builtin"/>,
    /// so a lab runs on a machine with none of them (<see cref="DhcpClients.Choose"/>).
    /// </summary>
    Auto,

    /// <summary>ISC <c>dhclient</c> (package isc-dhcp-client).</summary>
    Dhclient,

    /// <summary>BusyBox <c>udhcpc</c> (package udhcpc, or <c>busybox udhcpc</c> from package busybox).</summary>
    Udhcpc,

    /// <summary><c>dhcpcd</c> 9 (package dhcpcd-base).</summary>
    Dhcpcd,

    /// <summary>The small client built into nfv (Nfv.Lab): no program to install.</summary>
    Builtin,
}
