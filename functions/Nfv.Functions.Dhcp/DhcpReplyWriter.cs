using System.Buffers.Binary;
using System.Text;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// Writes the server's replies as whole Ethernet frames: the BOOTP header (RFC 2131 table 3), the options the client
/// asked for that fit its maximum message size, and the addressing of RFC 2131 §4.1 (to the relay; NAK broadcast;
/// unicast to ciaddr; broadcast when the client asks; else unicast to yiaddr at chaddr).
/// </summary>
internal static class DhcpReplyWriter
{
    /// <summary>UDP port of servers and relays.</summary>
    public const ushort ServerPort = 67;
    /// <summary>UDP port of clients.</summary>
    public const ushort ClientPort = 68;
    /// <summary>BOOTP's minimum message (RFC 1542 §2.1): some clients drop shorter replies.</summary>
    private const int MinimumMessage = 300;
    private const int UdpOffset = EthernetHeader.Size + Ipv4Header.MinSize;
    private const int PayloadOffset = UdpOffset + UdpHeader.Size;
    private static readonly byte[] s_defaultOrder = [1, 3, 6, 15, 28, 26, 42, 121];

    /// <summary>
    /// Writes the reply <paramref name="decision"/> to <paramref name="request"/> into <paramref name="packet"/>
    /// (reset first). <paramref name="requestSource"/> is the Ethernet source of the request (the relay, or the
    /// client itself for a renewal). Returns how many requested options did not fit.
    /// </summary>
    public static int Write(Packet packet, DhcpMessage request, in DhcpDecision decision, MacAddress requestSource,
        MacAddress ownMac, Ipv4Address ownIp, long now, ushort identification)
    {
        var kind = decision.Reply;
        var yiaddr = kind is DhcpReplyKind.Offer or DhcpReplyKind.Ack ? decision.Lease!.Address : Ipv4Address.Any;
        var ciaddr = kind is DhcpReplyKind.Ack or DhcpReplyKind.InformAck ? request.ClientAddress : Ipv4Address.Any;
        ushort flags = request.Flags;

        MacAddress destinationMac;
        Ipv4Address destinationIp;
        ushort destinationPort = ClientPort;
        if (request.RelayAddress.Value != 0)
        {
            destinationMac = requestSource;
            destinationIp = request.RelayAddress;
            destinationPort = ServerPort;
            if (kind == DhcpReplyKind.Nak)
            {
                flags |= DhcpMessage.BroadcastFlag; // RFC 2131 §4.3.2: the relay broadcasts a NAK to the client
            }
        }
        else if (kind == DhcpReplyKind.Nak || (request.ClientAddress.Value == 0 && (request.WantsBroadcast || yiaddr.Value == 0)))
        {
            destinationMac = MacAddress.Broadcast;
            destinationIp = new Ipv4Address(uint.MaxValue);
        }
        else if (request.ClientAddress.Value != 0)
        {
            destinationMac = requestSource;
            destinationIp = request.ClientAddress;
        }
        else
        {
            destinationMac = request.ClientMac;
            destinationIp = yiaddr;
        }

        // The request's packet becomes the reply: no offloads; its trace (nfv trace) follows it to where it goes.
        packet.Offload = default;
        packet.SetFrame(Packet.DefaultHeadroom, PayloadOffset + DhcpMessage.MaxSize);
        var frame = packet.Data;
        var payload = frame[PayloadOffset..];
        payload[..DhcpMessage.OptionsOffset].Clear();
        payload[DhcpMessage.OpOffset] = 2;
        payload[1] = 1;
        payload[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(payload[DhcpMessage.XidOffset..], request.TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(payload[DhcpMessage.FlagsOffset..], flags);
        ciaddr.Write(payload[DhcpMessage.CiaddrOffset..]);
        yiaddr.Write(payload[DhcpMessage.YiaddrOffset..]);
        request.RelayAddress.Write(payload[DhcpMessage.GiaddrOffset..]);
        request.HardwareAddressField.CopyTo(payload[DhcpMessage.ChaddrOffset..]);
        BinaryPrimitives.WriteUInt32BigEndian(payload[DhcpMessage.FixedSize..], DhcpMessage.MagicCookie);

        int limit = Math.Min(request.MaxMessageSize, 1500) - Ipv4Header.MinSize - UdpHeader.Size;
        var relayInfo = request.RelayAgentInformation;
        var options = new OptionWriter(payload[DhcpMessage.OptionsOffset..limit], reserve: 1 + (relayInfo is null ? 0 : 2 + relayInfo.Length));
        options.Add(DhcpOptionCode.MessageType, [(byte)(kind == DhcpReplyKind.InformAck ? DhcpMessageType.Ack : (DhcpMessageType)kind)]);
        options.Add(DhcpOptionCode.ServerIdentifier, ownIp);
        if (kind == DhcpReplyKind.Nak)
        {
            options.Add(DhcpOptionCode.Message, Encoding.ASCII.GetBytes(decision.Message ?? ""));
        }
        else
        {
            if (kind != DhcpReplyKind.InformAck)
            {
                uint leaseSeconds = kind == DhcpReplyKind.Ack
                    ? (uint)Math.Max(1, decision.Lease!.Expires - now)
                    : (uint)decision.Subnet!.LeaseTime.TotalSeconds;
                options.Add(DhcpOptionCode.LeaseTime, leaseSeconds);
                options.Add(DhcpOptionCode.RenewalTime, leaseSeconds / 2);
                options.Add(DhcpOptionCode.RebindingTime, leaseSeconds / 8 * 7);
            }
            AddSubnetOptions(ref options, decision.Subnet!, request.ParameterRequestList);
        }
        if (relayInfo is not null)
        {
            options.AddReserved(DhcpOptionCode.RelayAgentInformation, relayInfo); // RFC 3046 §2.2: echoed, last
        }
        int messageLength = Math.Max(MinimumMessage, DhcpMessage.OptionsOffset + options.Finish());
        payload[(DhcpMessage.OptionsOffset + options.Length)..messageLength].Clear();

        int udpLength = UdpHeader.Size + messageLength;
        int ipLength = Ipv4Header.MinSize + udpLength;
        packet.SetLength(EthernetHeader.Size + ipLength);
        frame = packet.Data;
        destinationMac.Write(frame);
        ownMac.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[EthernetHeader.TypeOffset..], EthernetHeader.TypeIpv4);
        Ipv4Header.Write(frame[EthernetHeader.Size..], ipLength, identification, 64, Ipv4Header.ProtocolUdp, ownIp, destinationIp);
        var udp = frame[UdpOffset..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, ServerPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.ChecksumOffset..], 0);
        ushort checksum = Checksum.Compute(udp, Checksum.PseudoHeaderSum(ownIp, destinationIp, Ipv4Header.ProtocolUdp, udpLength));
        BinaryPrimitives.WriteUInt16BigEndian(udp[UdpHeader.ChecksumOffset..], checksum == 0 ? (ushort)0xFFFF : checksum);
        return options.LeftOut;
    }

    // The subnet's options in the order the client asked for them (RFC 2131 §4.3.1), or all of them when it did not
    // ask; the subnet mask always (clients without it guess from the address class).
    private static void AddSubnetOptions(ref OptionWriter options, DhcpSubnet subnet, byte[]? requested)
    {
        if (subnet.Options.TryGetValue(DhcpOptionCode.SubnetMask, out var mask))
        {
            options.Add(DhcpOptionCode.SubnetMask, mask);
        }
        if (requested is null)
        {
            foreach (byte code in s_defaultOrder)
            {
                if (code != DhcpOptionCode.SubnetMask && subnet.Options.TryGetValue(code, out var value))
                {
                    options.Add(code, value);
                }
            }
            foreach (var (code, value) in subnet.Options)
            {
                if (Array.IndexOf(s_defaultOrder, code) < 0)
                {
                    options.Add(code, value);
                }
            }
            return;
        }
        for (int i = 0; i < requested.Length; i++)
        {
            byte code = requested[i];
            if (code != DhcpOptionCode.SubnetMask && Array.IndexOf(requested, code) == i && subnet.Options.TryGetValue(code, out var value))
            {
                options.Add(code, value);
            }
        }
    }

    /// <summary>Appends options to a field, leaving out those that do not fit (counted), splitting long ones (RFC 3396).</summary>
    private ref struct OptionWriter(Span<byte> field, int reserve)
    {
        private readonly Span<byte> _field = field;
        private readonly int _reserve = reserve;

        public int Length { get; private set; }

        public int LeftOut { get; private set; }

        public void Add(byte code, Ipv4Address value)
        {
            Span<byte> bytes = stackalloc byte[4];
            value.Write(bytes);
            Add(code, bytes);
        }

        public void Add(byte code, uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            Add(code, bytes);
        }

        public void Add(byte code, scoped ReadOnlySpan<byte> value) => Add(code, value, _reserve);

        public void AddReserved(byte code, scoped ReadOnlySpan<byte> value) => Add(code, value, 1);

        private void Add(byte code, scoped ReadOnlySpan<byte> value, int reserve)
        {
            int instances = Math.Max(1, (value.Length + 254) / 255);
            int needed = value.Length + 2 * instances;
            if (Length + needed + reserve > _field.Length)
            {
                LeftOut++;
                return;
            }
            do
            {
                int chunk = Math.Min(255, value.Length);
                _field[Length] = code;
                _field[Length + 1] = (byte)chunk;
                value[..chunk].CopyTo(_field[(Length + 2)..]);
                Length += 2 + chunk;
                value = value[chunk..];
            }
            while (!value.IsEmpty);
        }

        public int Finish()
        {
            _field[Length++] = DhcpOptionCode.End;
            return Length;
        }
    }
}
