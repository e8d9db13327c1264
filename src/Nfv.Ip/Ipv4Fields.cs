using System.Buffers.Binary;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>What reading a frame's IPv4 fields found.</summary>
public enum Ipv4FieldsResult
{
    /// <summary>An IPv4 packet whose headers are all there.</summary>
    Ipv4 = 0,

    /// <summary>Not IPv4 (<see cref="Ipv4Fields.EtherType"/> says what).</summary>
    NotIpv4 = 1,

    /// <summary>Too short for its Ethernet, VLAN, IPv4 or transport header, or not version 4 where it says IPv4.</summary>
    Malformed = 2,
}

/// <summary>
/// The fields of an Ethernet frame that rules and classes match on, read once: VLAN, EtherType, IPv4 addresses,
/// protocol, DSCP, ports (TCP, UDP), ICMP type and echo identifier, TCP flags. A plain struct on the stack; reading
/// allocates nothing. Fragments after the first carry no transport header: <see cref="IsLaterFragment"/>, ports zero.
/// </summary>
public struct Ipv4Fields
{
    /// <summary>The 802.1Q VLAN id, 0 when untagged.</summary>
    public int Vlan;

    /// <summary>The EtherType after any VLAN tag.</summary>
    public ushort EtherType;

    /// <summary>Where the IPv4 header begins in the frame.</summary>
    public int IpOffset;

    /// <summary>Where the transport header begins in the frame.</summary>
    public int TransportOffset;

    /// <summary>The IP protocol.</summary>
    public byte Protocol;

    /// <summary>The DSCP (the TOS byte's upper six bits).</summary>
    public byte Dscp;

    /// <summary>Source and destination, host order.</summary>
    public uint Source, Destination;

    /// <summary>TCP or UDP ports; zero for other protocols.</summary>
    public ushort SourcePort, DestinationPort;

    /// <summary>The ICMP type, or -1 when not ICMP.</summary>
    public int IcmpType;

    /// <summary>The ICMP echo request's or reply's identifier.</summary>
    public ushort IcmpIdentifier;

    /// <summary>The TCP flags byte; zero for other protocols.</summary>
    public byte TcpFlags;

    /// <summary>A fragment after the first: no transport header.</summary>
    public bool IsLaterFragment;

    /// <summary>Reads <paramref name="frame"/>'s fields into <paramref name="fields"/>.</summary>
    public static Ipv4FieldsResult Read(ReadOnlySpan<byte> frame, out Ipv4Fields fields)
    {
        fields = default;
        fields.IcmpType = -1;
        if (frame.Length < EthernetHeader.Size)
        {
            return Ipv4FieldsResult.Malformed;
        }
        int l3 = EthernetHeader.Size;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
        if (type == EthernetHeader.TypeVlan)
        {
            if (frame.Length < EthernetHeader.Size + EthernetHeader.VlanTagSize)
            {
                return Ipv4FieldsResult.Malformed;
            }
            fields.Vlan = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 += EthernetHeader.VlanTagSize;
        }
        fields.EtherType = type;
        if (type != EthernetHeader.TypeIpv4)
        {
            return Ipv4FieldsResult.NotIpv4;
        }
        return ReadIpv4(frame[l3..], l3, TcpFlagsEnd, ref fields);
    }

    /// <summary>
    /// Reads the datagram an ICMP error quotes (<paramref name="quoted"/>: its IPv4 header and at least the first 8 bytes of
    /// its transport header, RFC 792), on VLAN <paramref name="vlan"/>: addresses, protocol, ports or echo identifier; TCP
    /// flags only when quoted. Offsets are from the quoted header's start.
    /// </summary>
    public static Ipv4FieldsResult ReadQuoted(ReadOnlySpan<byte> quoted, int vlan, out Ipv4Fields fields)
    {
        fields = default;
        fields.IcmpType = -1;
        fields.Vlan = vlan;
        fields.EtherType = EthernetHeader.TypeIpv4;
        return ReadIpv4(quoted, 0, 8, ref fields);
    }

    // The TCP header up to its flags byte.
    private const int TcpFlagsEnd = 14;

    private static Ipv4FieldsResult ReadIpv4(ReadOnlySpan<byte> ip, int l3, int tcpNeeded, ref Ipv4Fields fields)
    {
        int ihl = ip.Length >= Ipv4Header.MinSize ? Ipv4Header.HeaderLength(ip) : 0;
        if (ihl < Ipv4Header.MinSize || ip.Length < ihl || Ipv4Header.Version(ip) != 4)
        {
            return Ipv4FieldsResult.Malformed;
        }
        fields.IpOffset = l3;
        fields.TransportOffset = l3 + ihl;
        fields.Protocol = Ipv4Header.Protocol(ip);
        fields.Dscp = (byte)(ip[1] >> 2);
        fields.Source = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Header.SourceOffset..]);
        fields.Destination = BinaryPrimitives.ReadUInt32BigEndian(ip[Ipv4Header.DestinationOffset..]);
        if (Ipv4Header.IsLaterFragment(ip))
        {
            fields.IsLaterFragment = true;
            return Ipv4FieldsResult.Ipv4;
        }
        var l4 = ip[ihl..];
        switch (fields.Protocol)
        {
            case Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp:
                if (l4.Length < (fields.Protocol == Ipv4Header.ProtocolTcp ? tcpNeeded : 8))
                {
                    return Ipv4FieldsResult.Malformed;
                }
                fields.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(l4);
                fields.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                fields.TcpFlags = fields.Protocol == Ipv4Header.ProtocolTcp && l4.Length >= TcpFlagsEnd ? l4[13] : (byte)0;
                break;
            case Ipv4Header.ProtocolIcmp:
                if (l4.Length < IcmpHeader.Size)
                {
                    return Ipv4FieldsResult.Malformed;
                }
                fields.IcmpType = l4[0];
                fields.IcmpIdentifier = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
                break;
        }
        return Ipv4FieldsResult.Ipv4;
    }

    /// <summary>
    /// The bytes <paramref name="frame"/> is on the wire: a TSO/GSO super-frame (up to 64 kB from a lab host's TAP)
    /// counts the headers of each segment it stands for, as the receiver will see them; any other frame, its length.
    /// </summary>
    /// <param name="frame">The frame.</param>
    /// <param name="offload">Its offload header.</param>
    /// <param name="fields">Its fields (<see cref="Read"/>); only a super-frame's are looked at.</param>
    public static int WireLength(ReadOnlySpan<byte> frame, in VirtioNetHeader offload, in Ipv4Fields fields)
    {
        if (!offload.IsGso || offload.GsoSize == 0 || fields.TransportOffset == 0)
        {
            return frame.Length;
        }
        int header = fields.TransportOffset + (fields.Protocol == Ipv4Header.ProtocolTcp ? (frame[fields.TransportOffset + 12] >> 4) * 4 : 8);
        int payload = frame.Length - header;
        int segments = payload > offload.GsoSize ? (payload + offload.GsoSize - 1) / offload.GsoSize : 1;
        return frame.Length + ((segments - 1) * header);
    }
}
