using System.Buffers.Binary;
using System.Text;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Lab;

/// <summary>
/// The messages of a DHCP client (RFC 2131 §2, options from RFC 2132): the requests it builds and the replies it
/// reads. Only what <see cref="BuiltinDhcpClient"/> needs; a reply that is not for this client or not well formed is
/// refused (null), never guessed at.
/// </summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------+---------------+---------------+---------------+
/// |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
/// +---------------+---------------+---------------+---------------+
/// |                            xid (4)                            |
/// +-------------------------------+-------------------------------+
/// |           secs (2)            |           flags (2)           |
/// +-------------------------------+-------------------------------+
/// |   ciaddr, yiaddr, siaddr, giaddr (4 each)                     |
/// |   chaddr (16), sname (64), file (128)                         |
/// |   magic cookie 99.130.83.99, then options                     |
/// +---------------------------------------------------------------+
/// </code>
/// </remarks>
internal static class DhcpClientMessage
{
    private const int FixedSize = 236;
    private const int OptionsOffset = FixedSize + 4;
    private const uint MagicCookie = 0x63825363;
    private const ushort BroadcastFlag = 0x8000;
    /// <summary>BOOTP relays and old servers expect at least this much (RFC 1542 §2.1).</summary>
    private const int MinimumSize = 300;
    private const int SnameOffset = 44;
    private const int FileOffset = 108;

    /// <summary>What the client asks for (option 55): mask, router, DNS, domain, lease time, server id, T1, T2.</summary>
    private static readonly byte[] ParameterRequestList = [1, 3, 6, 15, 51, 54, 58, 59];

    /// <summary>
    /// A client message: DISCOVER, REQUEST, RELEASE (or DECLINE). <paramref name="broadcast"/> sets the BROADCAST flag, which
    /// a client without an address needs (RFC 2131 §4.1): it cannot receive a unicast to the address it is offered.
    /// </summary>
    public static byte[] Build(DhcpClientMessageType type, uint transactionId, MacAddress mac, ushort seconds, Ipv4Address clientAddress,
        bool broadcast, Ipv4Address? requestedAddress = null, Ipv4Address? serverId = null, string? hostName = null)
    {
        Span<byte> macBytes = stackalloc byte[6];
        mac.Write(macBytes);
        var options = new List<byte>(64) { 53, 1, (byte)type, 61, 7, 1 }; // type; client id: hardware type 1 and the MAC
        options.AddRange(macBytes);
        if (requestedAddress is { } requested)
        {
            AddAddress(options, 50, requested);
        }
        if (serverId is { } server)
        {
            AddAddress(options, 54, server);
        }
        if (type is DhcpClientMessageType.Discover or DhcpClientMessageType.Request)
        {
            options.AddRange([57, 2, 0x05, 0xDC]); // the largest message we take: 1500
            options.Add(55);
            options.Add((byte)ParameterRequestList.Length);
            options.AddRange(ParameterRequestList);
            if (hostName is { Length: > 0 })
            {
                var name = Encoding.ASCII.GetBytes(hostName);
                options.Add(12);
                options.Add((byte)Math.Min(name.Length, 63));
                options.AddRange(name.AsSpan(0, Math.Min(name.Length, 63)));
            }
        }
        options.Add(255);

        var message = new byte[Math.Max(MinimumSize, OptionsOffset + options.Count)];
        var span = message.AsSpan();
        span[0] = 1; // BOOTREQUEST
        span[1] = 1; // Ethernet
        span[2] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], seconds);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], broadcast ? BroadcastFlag : (ushort)0);
        clientAddress.Write(span[12..]);
        mac.Write(span[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[FixedSize..], MagicCookie);
        options.CopyTo(message, OptionsOffset);
        return message;
    }

    /// <summary>
    /// Reads a server's reply to transaction <paramref name="transactionId"/> of <paramref name="mac"/>; null when it is
    /// not a BOOTREPLY for us, is truncated, lacks the cookie or a message type, or has an option running past its end.
    /// Options split in several instances are joined (RFC 3396); overloaded sname and file fields are read (option 52).
    /// </summary>
    public static DhcpReply? ParseReply(ReadOnlySpan<byte> message, uint transactionId, MacAddress mac)
    {
        if (message.Length < OptionsOffset || message[0] != 2 || message[1] != 1 || message[2] != 6
            || BinaryPrimitives.ReadUInt32BigEndian(message[4..]) != transactionId || MacAddress.Read(message[28..]) != mac
            || BinaryPrimitives.ReadUInt32BigEndian(message[FixedSize..]) != MagicCookie)
        {
            return null;
        }
        var options = new Dictionary<byte, byte[]>();
        if (!ReadOptions(message[OptionsOffset..], options))
        {
            return null;
        }
        if (options.TryGetValue(52, out var overload) && overload.Length == 1)
        {
            if ((overload[0] & 1) != 0 && !ReadOptions(message.Slice(FileOffset, 128), options))
            {
                return null;
            }
            if ((overload[0] & 2) != 0 && !ReadOptions(message.Slice(SnameOffset, 64), options))
            {
                return null;
            }
        }
        if (!options.TryGetValue(53, out var type) || type.Length != 1 || type[0] is < 1 or > 8)
        {
            return null;
        }
        return new DhcpReply(
            (DhcpClientMessageType)type[0],
            Ipv4Address.Read(message[16..]),
            Address(options, 54),
            Address(options, 1),
            Addresses(options, 3),
            Addresses(options, 6),
            options.TryGetValue(15, out var domain) && domain.Length > 0 ? Printable(domain) : null,
            Seconds(options, 51),
            Seconds(options, 58),
            Seconds(options, 59));
    }

    private static bool ReadOptions(ReadOnlySpan<byte> area, Dictionary<byte, byte[]> options)
    {
        int i = 0;
        while (i < area.Length)
        {
            byte code = area[i++];
            if (code == 0)
            {
                continue;
            }
            if (code == 255)
            {
                return true;
            }
            if (i >= area.Length || i + 1 + area[i] > area.Length)
            {
                return false;
            }
            int length = area[i++];
            var value = area.Slice(i, length);
            options[code] = options.TryGetValue(code, out var earlier) ? [.. earlier, .. value] : value.ToArray();
            i += length;
        }
        return true; // a missing END is common and harmless
    }

    private static void AddAddress(List<byte> options, byte code, Ipv4Address address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.Write(bytes);
        options.Add(code);
        options.Add(4);
        options.AddRange(bytes);
    }

    private static Ipv4Address? Address(Dictionary<byte, byte[]> options, byte code) =>
        options.TryGetValue(code, out var value) && value.Length == 4 ? Ipv4Address.Read(value) : null;

    private static Ipv4Address[] Addresses(Dictionary<byte, byte[]> options, byte code)
    {
        if (!options.TryGetValue(code, out var value) || value.Length % 4 != 0)
        {
            return [];
        }
        var addresses = new Ipv4Address[value.Length / 4];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = Ipv4Address.Read(value.AsSpan(i * 4));
        }
        return addresses;
    }

    private static TimeSpan? Seconds(Dictionary<byte, byte[]> options, byte code) =>
        options.TryGetValue(code, out var value) && value.Length == 4 ? TimeSpan.FromSeconds(BinaryPrimitives.ReadUInt32BigEndian(value)) : null;

    private static string Printable(byte[] text)
    {
        var chars = new char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            chars[i] = text[i] is >= 0x21 and < 0x7F ? (char)text[i] : '?';
        }
        return new string(chars).TrimEnd('?');
    }
}

/// <summary>The DHCP message types (option 53, RFC 2132 §9.6).</summary>
internal enum DhcpClientMessageType : byte
{
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
}

/// <summary>What a server's OFFER, ACK or NAK said, as <see cref="DhcpClientMessage.ParseReply"/> read it.</summary>
internal sealed record DhcpReply(
    DhcpClientMessageType Type,
    Ipv4Address YourAddress,
    Ipv4Address? ServerId,
    Ipv4Address? SubnetMask,
    Ipv4Address[] Routers,
    Ipv4Address[] DnsServers,
    string? Domain,
    TimeSpan? LeaseTime,
    TimeSpan? RenewalTime,
    TimeSpan? RebindingTime)
{
    /// <summary>The offered or acknowledged address with its prefix length (the mask, or the address's class without one).</summary>
    public Ipv4Prefix Prefix => new(YourAddress, SubnetMask is { } mask && DhcpLease.PrefixLength(mask.ToString()) is { } length
        ? length
        : (YourAddress.Value >> 24) switch { < 128 => 8, < 192 => 16, _ => 24 });

    /// <summary>The lease as the other clients' scripts record it.</summary>
    public DhcpLease ToLease(string reason) =>
        new(Prefix, Routers.Length > 0 ? Routers[0] : null, DnsServers, Domain, LeaseTime, ServerId, reason);
}
