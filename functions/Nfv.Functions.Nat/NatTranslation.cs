using System.Buffers.Binary;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Nat;

/// <summary>
/// The header rewrites of NAPT, each keeping every checksum right incrementally (RFC 1624 §3 through
/// <see cref="Checksum.Update(ushort, uint, uint)"/>): the IPv4 header checksum, the L4 checksum (TCP and UDP cover the
/// pseudo-header, so an address change counts there too; a partial checksum holds the pseudo-header sum only, RFC 1624
/// applied uncomplemented, <see cref="Checksum.UpdatePartial"/>), and for ICMP errors the quoted datagram's checksums
/// and the ICMP checksum over them (RFC 5508 §4.2, RFC 7857 §2.4).
/// </summary>
internal static class NatTranslation
{
    /// <summary>Offset of the source port (TCP, UDP), from the L4 header.</summary>
    public const int SourcePortOffset = 0;
    /// <summary>Offset of the destination port (TCP, UDP).</summary>
    public const int DestinationPortOffset = 2;
    /// <summary>Offset of the ICMP echo identifier.</summary>
    public const int IcmpIdentifierOffset = 4;

    /// <summary>Offset of the L4 checksum in its header: TCP 16, UDP 6, ICMP 2.</summary>
    public static int ChecksumOffset(byte protocol) => protocol switch
    {
        Ipv4Header.ProtocolTcp => 16,
        Ipv4Header.ProtocolUdp => UdpHeader.ChecksumOffset,
        _ => 2,
    };

    /// <summary>Offset of the port a translation rewrites: the source or destination port, or the ICMP identifier.</summary>
    public static int PortOffset(byte protocol, bool source) =>
        protocol == Ipv4Header.ProtocolIcmp ? IcmpIdentifierOffset : source ? SourcePortOffset : DestinationPortOffset;

    /// <summary>Rewrites the source or destination address of the IPv4 header and patches its checksum.</summary>
    public static uint RewriteAddress(Span<byte> ip, bool source, uint address)
    {
        var field = ip[(source ? Ipv4Header.SourceOffset : Ipv4Header.DestinationOffset)..];
        uint old = BinaryPrimitives.ReadUInt32BigEndian(field);
        BinaryPrimitives.WriteUInt32BigEndian(field, address);
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..], Checksum.Update(checksum, old, address));
        return old;
    }

    /// <summary>
    /// Rewrites the source (or destination) address and port (the ICMP identifier for ICMP) of a datagram whose L4
    /// header is in <paramref name="l4"/> (at least up to its checksum), with every checksum. <paramref name="partial"/>:
    /// the TCP or UDP checksum holds the pseudo-header sum (virtio NEEDS_CSUM, GSO super-frames).
    /// </summary>
    public static void Rewrite(Span<byte> ip, Span<byte> l4, byte protocol, bool source, uint address, ushort port, bool partial)
    {
        uint oldAddress = RewriteAddress(ip, source, address);
        var portField = l4[PortOffset(protocol, source)..];
        ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(portField);
        BinaryPrimitives.WriteUInt16BigEndian(portField, port);
        var checksumField = l4[ChecksumOffset(protocol)..];
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(checksumField);
        ushort updated;
        if (protocol == Ipv4Header.ProtocolIcmp)
        {
            updated = Checksum.Update(checksum, oldPort, port); // no pseudo-header
        }
        else if (partial)
        {
            updated = Checksum.UpdatePartial(checksum, oldAddress, address);
        }
        else if (protocol == Ipv4Header.ProtocolUdp && checksum == 0)
        {
            return; // RFC 768: no checksum was computed, and none is now
        }
        else
        {
            updated = Checksum.Update(Checksum.Update(checksum, oldAddress, address), oldPort, port);
            if (protocol == Ipv4Header.ProtocolUdp && updated == 0)
            {
                updated = 0xFFFF;
            }
        }
        BinaryPrimitives.WriteUInt16BigEndian(checksumField, updated);
    }

    /// <summary>
    /// Rewrites the datagram quoted in an ICMP error (<paramref name="icmp"/> is the whole ICMP message; the quote starts
    /// at byte 8): its source (or destination) address and port, its IP header checksum, its L4 checksum when the quote
    /// holds it, and the ICMP checksum over all of these. The caller checked the quote holds the IP header and 8 bytes.
    /// </summary>
    public static void RewriteQuoted(Span<byte> icmp, byte protocol, bool source, uint address, ushort port)
    {
        var inner = icmp[IcmpHeader.Size..];
        int innerHeader = Ipv4Header.HeaderLength(inner);
        ushort icmpChecksum = BinaryPrimitives.ReadUInt16BigEndian(icmp[2..]);

        ushort oldIpChecksum = Ipv4Header.StoredChecksum(inner);
        uint oldAddress = RewriteAddress(inner, source, address);
        ushort newIpChecksum = Ipv4Header.StoredChecksum(inner);
        icmpChecksum = Checksum.Update(icmpChecksum, oldAddress, address);
        icmpChecksum = Checksum.Update(icmpChecksum, oldIpChecksum, newIpChecksum);

        var l4 = inner[innerHeader..];
        var portField = l4[PortOffset(protocol, source)..];
        ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(portField);
        BinaryPrimitives.WriteUInt16BigEndian(portField, port);
        icmpChecksum = Checksum.Update(icmpChecksum, oldPort, port);

        int checksumOffset = ChecksumOffset(protocol);
        if (l4.Length >= checksumOffset + 2)
        {
            var field = l4[checksumOffset..];
            ushort old = BinaryPrimitives.ReadUInt16BigEndian(field);
            if (!(protocol == Ipv4Header.ProtocolUdp && old == 0))
            {
                ushort updated = protocol == Ipv4Header.ProtocolIcmp
                    ? Checksum.Update(old, oldPort, port)
                    : Checksum.Update(Checksum.Update(old, oldAddress, address), oldPort, port);
                if (protocol == Ipv4Header.ProtocolUdp && updated == 0)
                {
                    updated = 0xFFFF;
                }
                BinaryPrimitives.WriteUInt16BigEndian(field, updated);
                icmpChecksum = Checksum.Update(icmpChecksum, old, updated);
            }
        }
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], icmpChecksum);
    }
}
