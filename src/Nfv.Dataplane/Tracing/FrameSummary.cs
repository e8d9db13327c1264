using System.Buffers.Binary;
using System.Text;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Dataplane.Tracing;

/// <summary>A one-line dissection of a frame, tcpdump-like, for traces. Allocates: traced frames only.</summary>
public static class FrameSummary
{
    /// <summary>Describes <paramref name="frame"/>: MAC addresses, VLAN, then ARP, IPv4 (ICMP, UDP, TCP), IPv6 (ICMPv6 and neighbour discovery, UDP, TCP) or the EtherType.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < EthernetHeader.Size)
        {
            return $"runt frame of {frame.Length} bytes";
        }
        var text = new StringBuilder();
        text.Append(EthernetHeader.Source(frame)).Append(" > ").Append(EthernetHeader.Destination(frame));
        ushort type = EthernetHeader.Type(frame);
        int l3 = EthernetHeader.Size;
        if (type == EthernetHeader.TypeVlan && frame.Length >= l3 + EthernetHeader.VlanTagSize)
        {
            text.Append(", VLAN ").Append(EthernetHeader.VlanId(frame));
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 += EthernetHeader.VlanTagSize;
        }
        var payload = frame[l3..];
        if (type == EthernetHeader.TypeArp && ArpHeader.IsEthernetIpv4(payload) && payload.Length >= ArpHeader.Size)
        {
            text.Append(ArpHeader.Operation(payload) switch
            {
                ArpHeader.OperationRequest => $", ARP who-has {ArpHeader.TargetIp(payload)} tell {ArpHeader.SenderIp(payload)}",
                ArpHeader.OperationReply => $", ARP reply {ArpHeader.SenderIp(payload)} is-at {ArpHeader.SenderMac(payload)}",
                var op => $", ARP operation {op}",
            });
        }
        else if (type == EthernetHeader.TypeIpv4 && payload.Length >= Ipv4Header.MinSize && Ipv4Header.Version(payload) == 4)
        {
            text.Append(", IPv4 ").Append(Ipv4Header.Source(payload)).Append(" > ").Append(Ipv4Header.Destination(payload));
            text.Append(", ttl ").Append(Ipv4Header.Ttl(payload));
            int headerLength = Ipv4Header.HeaderLength(payload);
            var l4 = headerLength >= Ipv4Header.MinSize && payload.Length > headerLength ? payload[headerLength..] : [];
            bool first = !Ipv4Header.IsLaterFragment(payload);
            switch (Ipv4Header.Protocol(payload))
            {
                case Ipv4Header.ProtocolIcmp when first && l4.Length >= 2:
                    text.Append(", ICMP ").Append(Icmp(IcmpHeader.Type(l4), IcmpHeader.Code(l4)));
                    if (l4.Length >= IcmpHeader.Size && IcmpHeader.Type(l4) is IcmpHeader.TypeEchoRequest or IcmpHeader.TypeEchoReply)
                    {
                        text.Append(" id ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[4..]))
                            .Append(" seq ").Append(BinaryPrimitives.ReadUInt16BigEndian(l4[6..]));
                    }
                    break;
                case Ipv4Header.ProtocolUdp when first && l4.Length >= 4:
                    text.Append(", UDP ").Append(UdpHeader.SourcePort(l4)).Append(" > ").Append(UdpHeader.DestinationPort(l4));
                    break;
                case Ipv4Header.ProtocolTcp when first && l4.Length >= 14:
                    text.Append(", TCP ").Append(UdpHeader.SourcePort(l4)).Append(" > ").Append(UdpHeader.DestinationPort(l4))
                        .Append(' ').Append(TcpFlags(l4[13]));
                    break;
                case var protocol:
                    text.Append(", protocol ").Append(protocol);
                    break;
            }
            if (Ipv4Header.IsFragment(payload))
            {
                text.Append(", fragment");
            }
        }
        else if (type == EthernetHeader.TypeIpv6 && payload.Length >= Ipv6Header.Size && Ipv6Header.Version(payload) == 6)
        {
            DescribeIpv6(text, payload);
        }
        else
        {
            text.Append(", EtherType 0x").Append(type.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static void DescribeIpv6(StringBuilder text, ReadOnlySpan<byte> ip)
    {
        text.Append(", IPv6 ").Append(Ipv6Header.Source(ip)).Append(" > ").Append(Ipv6Header.Destination(ip));
        text.Append(", hlim ").Append(Ipv6Header.HopLimit(ip));
        var chain = Ipv6Header.FindUpperLayer(ip, out byte protocol, out int offset, out bool fragment);
        if (chain != Ipv6ChainResult.Found)
        {
            text.Append(", bad extension headers");
            return;
        }
        var l4 = ip[offset..];
        switch (protocol)
        {
            case Ipv6Header.ProtocolIcmpv6 when !fragment && l4.Length >= 2:
                text.Append(", ICMPv6 ").Append(Icmpv6(l4));
                break;
            case Ipv6Header.ProtocolUdp when !fragment && l4.Length >= 4:
                text.Append(", UDP ").Append(UdpHeader.SourcePort(l4)).Append(" > ").Append(UdpHeader.DestinationPort(l4));
                break;
            case Ipv6Header.ProtocolTcp when !fragment && l4.Length >= 14:
                text.Append(", TCP ").Append(UdpHeader.SourcePort(l4)).Append(" > ").Append(UdpHeader.DestinationPort(l4))
                    .Append(' ').Append(TcpFlags(l4[13]));
                break;
            default:
                text.Append(", next header ").Append(protocol);
                break;
        }
        if (fragment)
        {
            text.Append(", fragment");
        }
    }

    /// <summary>An ICMPv6 message in words: "echo request id 7 seq 1", "neighbor solicitation who-has 2001:db8::1", "packet too big mtu 1280".</summary>
    public static string Icmpv6(ReadOnlySpan<byte> icmp)
    {
        byte type = Icmpv6Header.Type(icmp);
        byte code = Icmpv6Header.Code(icmp);
        bool full = icmp.Length >= Icmpv6Header.Size;
        string? target = icmp.Length >= 24 ? Ipv6Address.Read(icmp[8..]).ToString() : null;
        return type switch
        {
            Icmpv6Header.TypeEchoRequest or Icmpv6Header.TypeEchoReply when full =>
                $"echo {(type == Icmpv6Header.TypeEchoRequest ? "request" : "reply")} id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])} seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}",
            Icmpv6Header.TypeNeighborSolicitation when target is not null => $"neighbor solicitation who-has {target}",
            Icmpv6Header.TypeNeighborAdvertisement when target is not null => $"neighbor advertisement {target}",
            Icmpv6Header.TypeRouterSolicitation => "router solicitation",
            Icmpv6Header.TypeRouterAdvertisement => "router advertisement",
            Icmpv6Header.TypeRedirect => "redirect",
            Icmpv6Header.TypePacketTooBig when full => $"packet too big mtu {BinaryPrimitives.ReadUInt32BigEndian(icmp[4..])}",
            Icmpv6Header.TypeTimeExceeded => "time exceeded",
            Icmpv6Header.TypeParameterProblem => $"parameter problem code {code}",
            Icmpv6Header.TypeDestinationUnreachable => code switch
            {
                Icmpv6Header.CodeNoRoute => "no route",
                Icmpv6Header.CodeAddressUnreachable => "address unreachable",
                Icmpv6Header.CodePortUnreachable => "port unreachable",
                _ => $"unreachable code {code}",
            },
            _ => $"type {type} code {code}",
        };
    }

    /// <summary>The name of an ICMP type and code: "echo request", "time exceeded", "port unreachable".</summary>
    public static string Icmp(byte type, byte code) => type switch
    {
        IcmpHeader.TypeEchoReply => "echo reply",
        IcmpHeader.TypeEchoRequest => "echo request",
        IcmpHeader.TypeTimeExceeded => "time exceeded",
        IcmpHeader.TypeParameterProblem => "parameter problem",
        IcmpHeader.TypeRedirect => "redirect",
        IcmpHeader.TypeDestinationUnreachable => code switch
        {
            IcmpHeader.CodeNetUnreachable => "net unreachable",
            IcmpHeader.CodeHostUnreachable => "host unreachable",
            IcmpHeader.CodeProtocolUnreachable => "protocol unreachable",
            IcmpHeader.CodePortUnreachable => "port unreachable",
            IcmpHeader.CodeFragmentationNeeded => "fragmentation needed",
            _ => $"unreachable code {code}",
        },
        _ => $"type {type} code {code}",
    };

    private static string TcpFlags(byte flags)
    {
        var text = new StringBuilder("[");
        if ((flags & 0x02) != 0) text.Append('S');
        if ((flags & 0x01) != 0) text.Append('F');
        if ((flags & 0x04) != 0) text.Append('R');
        if ((flags & 0x08) != 0) text.Append('P');
        if ((flags & 0x10) != 0) text.Append('.');
        return text.Append(']').ToString();
    }
}
