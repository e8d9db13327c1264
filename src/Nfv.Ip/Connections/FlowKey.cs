namespace Nfv.Ip.Connections;

/// <summary>
/// One direction of a connection: its 5-tuple and VLAN as two words, as Linux conntrack keeps a tuple per direction.
/// <see cref="A"/> is source and destination address, <see cref="B"/> source port, destination port, VLAN and protocol.
/// For ICMP echo the identifier is the request's source port and the reply's destination port, so a reply's key is its
/// request's reversed (<see cref="Of(in Ipv4Fields)"/>).
/// </summary>
public readonly record struct FlowKey(ulong A, ulong B)
{
    /// <summary>The key of a packet with these fields.</summary>
    public static FlowKey Of(uint source, uint destination, ushort sourcePort, ushort destinationPort, int vlan, byte protocol) =>
        new((ulong)source << 32 | destination, (ulong)sourcePort << 48 | (ulong)destinationPort << 32 | (ulong)(uint)vlan << 16 | protocol);

    /// <summary>
    /// The key of a packet read by <see cref="Ipv4Fields.Read"/>: TCP and UDP by their ports, an ICMP echo request by its
    /// identifier as the source port, an echo reply by its identifier as the destination port, anything else by its
    /// addresses and protocol.
    /// </summary>
    public static FlowKey Of(in Ipv4Fields packet)
    {
        int icmpType = packet.IcmpType;
        ushort sourcePort = icmpType == Headers.IcmpHeader.TypeEchoRequest ? packet.IcmpIdentifier : packet.SourcePort;
        ushort destinationPort = icmpType == Headers.IcmpHeader.TypeEchoReply ? packet.IcmpIdentifier : packet.DestinationPort;
        return Of(packet.Source, packet.Destination, sourcePort, destinationPort, packet.Vlan, packet.Protocol);
    }

    /// <summary>The source address.</summary>
    public uint Source => (uint)(A >> 32);

    /// <summary>The destination address.</summary>
    public uint Destination => (uint)A;

    /// <summary>The source port (an echo request's identifier).</summary>
    public ushort SourcePort => (ushort)(B >> 48);

    /// <summary>The destination port (an echo reply's identifier).</summary>
    public ushort DestinationPort => (ushort)(B >> 32);

    /// <summary>The VLAN, 0 for none.</summary>
    public int Vlan => (int)(B >> 16) & 0xFFFF;

    /// <summary>The IP protocol.</summary>
    public byte Protocol => (byte)B;

    /// <summary>The key of the other direction, untranslated.</summary>
    public FlowKey Reversed => Of(Destination, Source, DestinationPort, SourcePort, Vlan, Protocol);
}
