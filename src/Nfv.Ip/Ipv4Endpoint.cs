using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>What <see cref="Ipv4Endpoint.ReceiveArp"/> did with an ARP frame.</summary>
public enum ArpReceiveResult
{
    /// <summary>A request for one of the interface's addresses: the packet became the reply and was sent back out of the interface.</summary>
    Replied = 0,
    /// <summary>Done with (learned from, or not for us): the caller drops the packet (not an error).</summary>
    Consumed = 1,
    /// <summary>Not Ethernet/IPv4 ARP, truncated, or with a group or zero sender: the caller drops it as malformed.</summary>
    Malformed = 2,
}

/// <summary>
/// The IPv4 presence of a function on its links: per interface (port) a MAC and addresses, an <see cref="ArpTable"/>
/// and the ARP behaviour of a host (RFC 826, RFC 1122 §2.3.2): answering requests for its addresses, learning by
/// RFC 826's merge rule, resolving neighbours. Echo replies and ICMP errors come from <see cref="Ipv4Frames"/>. The
/// router is built on it; the DHCP server owns its address the same way.
/// </summary>
/// <remarks>Not thread-safe: the worker that runs the function owns it. Nothing allocates per packet.</remarks>
public sealed class Ipv4Endpoint
{
    private readonly MacAddress[] _macs;
    private readonly Ipv4Prefix[][] _addresses;

    /// <summary>
    /// Creates an endpoint over <paramref name="arp"/> with, for each interface index, its MAC and addresses (the first is
    /// the primary; none on an interface that does not speak IPv4, whose primary is 0.0.0.0).
    /// </summary>
    public Ipv4Endpoint(IReadOnlyList<(MacAddress Mac, IReadOnlyList<Ipv4Prefix> Addresses)> interfaces, ArpTable arp)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(arp);
        Arp = arp;
        _macs = new MacAddress[interfaces.Count];
        _addresses = new Ipv4Prefix[interfaces.Count][];
        for (int i = 0; i < interfaces.Count; i++)
        {
            _macs[i] = interfaces[i].Mac;
            _addresses[i] = [.. interfaces[i].Addresses];
        }
    }

    /// <summary>The neighbour cache and resolver.</summary>
    public ArpTable Arp { get; }

    /// <summary>The MAC of interface <paramref name="iface"/>.</summary>
    public MacAddress Mac(int iface) => _macs[iface];

    /// <summary>The primary address of interface <paramref name="iface"/>.</summary>
    public Ipv4Address Primary(int iface) => _addresses[iface] is [var first, ..] ? first.Address : Ipv4Address.Any;

    /// <summary>True when <paramref name="address"/> is one of interface <paramref name="iface"/>'s addresses.</summary>
    public bool IsAddressOf(int iface, Ipv4Address address)
    {
        foreach (var a in _addresses[iface])
        {
            if (a.Address == address)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The address interface <paramref name="iface"/> speaks to <paramref name="peer"/> from: the one on the peer's
    /// subnet, else the primary (RFC 1812 §4.3.2.4 leaves the choice).
    /// </summary>
    public Ipv4Address SourceAddressFor(int iface, Ipv4Address peer)
    {
        foreach (var a in _addresses[iface])
        {
            if (a.Contains(peer))
            {
                return a.Address;
            }
        }
        return Primary(iface);
    }

    /// <summary>
    /// Handles an ARP frame (untagged Ethernet) that arrived on <paramref name="iface"/>. RFC 826's merge: an entry we
    /// have is updated by any request or reply (so a gratuitous ARP moves a neighbour); a new one is made only when
    /// the packet is addressed to us; a probe (sender 0.0.0.0, RFC 5227) teaches nothing. A request for one of the
    /// interface's addresses is turned into the reply and sent (<see cref="ArpReceiveResult.Replied"/>); otherwise
    /// the caller ends the packet. <paramref name="updatedEntry"/> is the entry updated (-1 if none): the caller sends
    /// what waited on it (<see cref="NeighbourTable{TAddress}.TryDequeue"/>) to <paramref name="senderMac"/>.
    /// </summary>
    public ArpReceiveResult ReceiveArp(Packet packet, int iface, long now, Emitter emit, out int updatedEntry, out MacAddress senderMac)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(emit);
        updatedEntry = -1;
        var arp = packet.Data[EthernetHeader.Size..];
        senderMac = default;
        if (!ArpHeader.IsEthernetIpv4(arp))
        {
            return ArpReceiveResult.Malformed;
        }
        ushort operation = ArpHeader.Operation(arp);
        senderMac = ArpHeader.SenderMac(arp);
        var senderIp = ArpHeader.SenderIp(arp);
        var targetIp = ArpHeader.TargetIp(arp);
        if (senderMac.IsMulticast || senderMac.Value == 0 || (operation != ArpHeader.OperationRequest && operation != ArpHeader.OperationReply))
        {
            return ArpReceiveResult.Malformed;
        }
        bool forUs = IsAddressOf(iface, targetIp);
        if (senderIp.Value != 0 && !IsAddressOf(iface, senderIp))
        {
            updatedEntry = Arp.Update(iface, senderIp, senderMac, now, create: forUs);
            if (updatedEntry >= 0)
            {
                if (packet.IsTraced)
                {
                    emit.Trace(packet, $"ARP: {senderIp} is at {senderMac} (neighbour entry learned or refreshed)");
                }
            }
        }
        if (operation == ArpHeader.OperationRequest && forUs)
        {
            if (packet.IsTraced)
            {
                emit.Trace(packet, $"ARP request for {targetIp}, an address of this interface: answered");
            }
            Ipv4Frames.AnswerArpRequest(packet, _macs[iface], targetIp);
            emit.To(iface, packet);
            return ArpReceiveResult.Replied;
        }
        if (packet.IsTraced)
        {
            emit.Trace(packet, operation == ArpHeader.OperationRequest
                ? $"ARP request for {targetIp}: not an address of this interface"
                : $"ARP reply from {senderIp}{(updatedEntry >= 0 ? "" : ": no entry waited for it")}");
        }
        return ArpReceiveResult.Consumed;
    }

    /// <summary>Sends a broadcast ARP request for <paramref name="target"/> out of <paramref name="iface"/>; false when the pool is empty.</summary>
    public bool SendArpRequest(int iface, Ipv4Address target, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(emit);
        var packet = emit.Allocate();
        if (packet is null)
        {
            return false;
        }
        Ipv4Frames.WriteArpRequest(packet, _macs[iface], SourceAddressFor(iface, target), target);
        emit.To(iface, packet);
        return true;
    }
}
