using Nfv.Abstractions;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

// Run as an instance per worker: which instance owns a packet's flow. An instance owns the mappings on the external ports
// it hands out (NatSessionTable.OwnerOfPort), so the owner of a packet arriving for an external address is the owner of
// its destination port; the owner of a packet leaving is the owner of the port its inside endpoint keeps when free
// (port preservation), or of the forward's external port for a forwarded endpoint. Both are read from the packet alone,
// so every instance answers alike without a lookup (later fragments, which have no ports, follow their first one). The
// kernel's steering brings a flow back to the queue (the worker) it was written on, so a flow is handed over only until
// its owner has answered it.
public sealed partial class NatFunction
{
    // Per forward: its inside endpoint and the instance owning its external port.
    private (byte Protocol, uint Address, ushort Port, int Owner)[] _forwardOwners = [];

    /// <summary>
    /// Shared by the instances of a NAT run per worker: which owns each fragmented datagram in flight, recorded by the
    /// instance that placed its first fragment, so its later fragments (no ports) follow; null when the NAT runs once.
    /// </summary>
    internal NatFragmentOwners? FragmentOwners { get; init; }

    /// <summary>
    /// Shared by the instances of a NAT run per worker: the sessions they hold together, in all and per inside host, so
    /// max-sessions and max-sessions-per-host hold over the NAT; null when the NAT runs once.
    /// </summary>
    internal NatSessionBounds? SessionBounds { get; init; }

    // Most sessions of this instance's table: the whole max-sessions, since any instance may hold all of it.
    private int MaxSessions => Options.MaxSessions;

    // Most sessions of an inside host: held over the instances when they share the bounds (run per worker), else this
    // instance's alone. A share only where nothing is shared (tests building instances by hand).
    private int MaxSessionsPerHost => SessionBounds is null ? Share(Options.MaxSessionsPerHost) : Options.MaxSessionsPerHost;

    // An instance's share of a bound or rate: a whole one divided by the instances, rounded up; 0 (no limit) stays 0.
    private int Share(int whole) => whole <= 0 ? whole : (whole + _instanceCount - 1) / _instanceCount;

    /// <inheritdoc/>
    /// <remarks>
    /// For a NAT run per worker: a packet to an external address (from outside, or hairpinned from inside) belongs to the
    /// instance owning its destination port, an ICMP echo reply to the one owning its identifier, an ICMP error to the
    /// one owning the port of the datagram it quotes; a packet leaving belongs to the instance owning its inside
    /// endpoint's port (or the external port of the endpoint's forward); a later fragment (no ports) to the owner of its
    /// first fragment, which the instance placing that recorded (<see cref="FragmentOwners"/>). -1 for the rest, and
    /// always for a NAT run once.
    /// </remarks>
    public int InstanceFor(Packet packet, in Ipv4HookContext context, bool leaving)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_instanceCount == 1 || _outside < 0)
        {
            return -1;
        }
        var ip = packet.Data[context.IpOffset..];
        byte protocol = Ipv4Header.Protocol(ip);
        if (Ipv4Header.IsLaterFragment(ip))
        {
            return FragmentOwners is not null && FragmentOwners.TryGet(
                (Ipv4Header.Source(ip).Value, Ipv4Header.Destination(ip).Value, Ipv4Header.Identification(ip), protocol), context.Timestamp, out int first)
                ? first : -1;
        }
        var l4 = L4(ip, Ipv4Header.HeaderLength(ip));
        int owner = leaving ? LeavingOwner(protocol, Ipv4Header.Source(ip).Value, l4)
            : ExternalIndex(Ipv4Header.Destination(ip).Value) >= 0 ? ArrivingOwner(protocol, l4) : -1;
        if (owner >= 0 && Ipv4Header.IsFragment(ip))
        {
            // A first fragment: the later ones, without ports, go where it goes.
            FragmentOwners?.Put((Ipv4Header.Source(ip).Value, Ipv4Header.Destination(ip).Value, Ipv4Header.Identification(ip), protocol), owner,
                context.Timestamp);
        }
        return owner;
    }

    // A packet to an external address: the owner of the port it is sent to.
    private int ArrivingOwner(byte protocol, ReadOnlySpan<byte> l4)
    {
        if (protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp)
        {
            return l4.Length >= 4 ? PortOwner(ReadPort(l4, NatTranslation.DestinationPortOffset)) : -1;
        }
        if (protocol != Ipv4Header.ProtocolIcmp || l4.Length < IcmpHeader.Size)
        {
            return -1;
        }
        byte type = IcmpHeader.Type(l4);
        if (type == IcmpHeader.TypeEchoReply)
        {
            return PortOwner(ReadPort(l4, NatTranslation.IcmpIdentifierOffset));
        }
        // An error quotes a datagram the NAT sent out: from the external port (or identifier) of its mapping.
        return IcmpHeader.IsError(type) && TryReadQuote(l4, out _, out _, out _, out ushort externalPort, out _) ? PortOwner(externalPort) : -1;
    }

    // A packet leaving by the outside: the owner of its inside endpoint.
    private int LeavingOwner(byte protocol, uint source, ReadOnlySpan<byte> l4)
    {
        if (protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp)
        {
            return l4.Length >= 4 ? InsideOwner(protocol, source, ReadPort(l4, NatTranslation.SourcePortOffset)) : -1;
        }
        if (protocol != Ipv4Header.ProtocolIcmp || l4.Length < IcmpHeader.Size)
        {
            return -1;
        }
        byte type = IcmpHeader.Type(l4);
        if (type == IcmpHeader.TypeEchoRequest)
        {
            return PortOwner(ReadPort(l4, NatTranslation.IcmpIdentifierOffset));
        }
        // An inside host's error quotes a datagram it was sent through the NAT: to its inside endpoint.
        if (!IcmpHeader.IsError(type) || !TryReadQuote(l4, out byte quoted, out _, out uint inside, out ushort identifier, out ushort insidePort))
        {
            return -1;
        }
        return quoted == Ipv4Header.ProtocolIcmp ? PortOwner(identifier) : InsideOwner(quoted, inside, insidePort);
    }

    // The owner of an inside endpoint's mappings: of its forward's external port, else of its own port (kept when free).
    private int InsideOwner(byte protocol, uint address, ushort port)
    {
        foreach (var (forwardProtocol, forwardAddress, forwardPort, owner) in _forwardOwners)
        {
            if (forwardPort == port && forwardAddress == address && forwardProtocol == protocol)
            {
                return owner;
            }
        }
        return PortOwner(port);
    }

    private int PortOwner(ushort port) => NatSessionTable.OwnerOfPort(port, _instanceCount);
}
