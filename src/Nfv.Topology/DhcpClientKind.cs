namespace Nfv.Topology;

/// <summary>
/// The real DHCP client a lab host with <c>address: dhcp</c> runs in its namespace (the host key
/// <c>dhcp-client</c>). Each is the Debian package's program, driven so that it touches nothing
/// outside the run: its state and script live in a temporary folder that is removed at stop.
/// </summary>
public enum DhcpClientKind
{
    /// <summary>ISC <c>dhclient</c> (package isc-dhcp-client): the default.</summary>
    Dhclient,

    /// <summary>BusyBox <c>udhcpc</c> (package udhcpc).</summary>
    Udhcpc,

    /// <summary><c>dhcpcd</c> 9 (package dhcpcd-base).</summary>
    Dhcpcd,
}
