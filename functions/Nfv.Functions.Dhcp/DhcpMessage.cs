using System.Buffers.Binary;
using System.Text;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// A DHCP request as the server reads it (RFC 2131 §2, RFC 2132): the BOOTP header fields the server uses and the
/// options, checked. Parsing is strict about anything that would make the message mean something else (lengths,
/// overload, message type) and lenient where real clients are sloppy (a missing END option, padding after it).
/// </summary>
/// <remarks>Built on the slow path, one per message: allocation is fine here (docs/architecture.md: zero allocation is the fast path's rule).</remarks>
internal sealed class DhcpMessage
{
    /// <summary>Bytes of the BOOTP header before the options: op through file (RFC 2131 figure 1).</summary>
    public const int FixedSize = 236;
    /// <summary>Offset of the options, after the 4-byte magic cookie.</summary>
    public const int OptionsOffset = FixedSize + 4;
    /// <summary>The most a DHCP message can be in one datagram on a 1500-byte link (1500 - 20 - 8).</summary>
    public const int MaxSize = 1472;
    /// <summary>The magic cookie 99.130.83.99 (RFC 2131 §3).</summary>
    public const uint MagicCookie = 0x63825363;
    /// <summary>The BROADCAST flag (RFC 2131 §2, figure 2).</summary>
    public const ushort BroadcastFlag = 0x8000;

    public const int OpOffset = 0;
    public const int XidOffset = 4;
    public const int FlagsOffset = 10;
    public const int CiaddrOffset = 12;
    public const int YiaddrOffset = 16;
    public const int GiaddrOffset = 24;
    public const int ChaddrOffset = 28;
    public const int SnameOffset = 44;
    public const int FileOffset = 108;

    private readonly Dictionary<byte, byte[]> _options;

    private DhcpMessage(Dictionary<byte, byte[]> options) => _options = options;

    /// <summary>Transaction id chosen by the client.</summary>
    public uint TransactionId { get; private init; }
    /// <summary>The flags word; only <see cref="BroadcastFlag"/> is defined.</summary>
    public ushort Flags { get; private init; }
    /// <summary>True when the client asks for broadcast replies (it cannot receive unicast before it has an address).</summary>
    public bool WantsBroadcast => (Flags & BroadcastFlag) != 0;
    /// <summary>ciaddr: the client's address, when it has one (BOUND, RENEWING, REBINDING, INFORM).</summary>
    public Ipv4Address ClientAddress { get; private init; }
    /// <summary>giaddr: the relay agent's address, 0 when the message was not relayed.</summary>
    public Ipv4Address RelayAddress { get; private init; }
    /// <summary>chaddr as a MAC address.</summary>
    public MacAddress ClientMac { get; private init; }
    /// <summary>The 16-byte chaddr field, as received (copied into replies).</summary>
    public byte[] HardwareAddressField { get; private init; } = [];

    /// <summary>Option 53.</summary>
    public DhcpMessageType Type { get; private init; }
    /// <summary>Option 50, when present.</summary>
    public Ipv4Address? RequestedAddress { get; private init; }
    /// <summary>Option 54, when present.</summary>
    public Ipv4Address? ServerIdentifier { get; private init; }
    /// <summary>Option 61, when present.</summary>
    public byte[]? ClientIdentifier => Option(DhcpOptionCode.ClientIdentifier);
    /// <summary>Option 55, when present: the codes the client wants, in its order of preference.</summary>
    public byte[]? ParameterRequestList => Option(DhcpOptionCode.ParameterRequestList);
    /// <summary>Option 82, when present (echoed into replies, RFC 3046 §2.2).</summary>
    public byte[]? RelayAgentInformation => Option(DhcpOptionCode.RelayAgentInformation);
    /// <summary>Option 57 (the largest DHCP message the client accepts, as an IP datagram), or 576.</summary>
    public int MaxMessageSize { get; private init; }
    /// <summary>Option 12, made printable, when present.</summary>
    public string? HostName { get; private init; }

    /// <summary>
    /// Who the client is for leases and reservations: its client identifier (option 61) when it sends one, else its
    /// hardware type and address (RFC 2131 §4.2).
    /// </summary>
    public string ClientKey => ClientIdentifier is { } id ? "id:" + Hex(id) : "hw:" + ClientMac;

    /// <summary>The value of option <paramref name="code"/> (several instances concatenated, RFC 3396), or null.</summary>
    public byte[]? Option(byte code) => _options.GetValueOrDefault(code);

    /// <summary>Reads a DHCP message (the UDP payload); null with the reason when it is malformed.</summary>
    public static DhcpMessage? Parse(ReadOnlySpan<byte> payload, out DhcpDrop problem)
    {
        if (payload.Length > MaxSize)
        {
            problem = DhcpDrop.Oversized;
            return null;
        }
        if (payload.Length < OptionsOffset)
        {
            problem = DhcpDrop.ShortMessage;
            return null;
        }
        if (payload[OpOffset] != 1)
        {
            problem = DhcpDrop.NotRequest;
            return null;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(payload[FixedSize..]) != MagicCookie)
        {
            problem = DhcpDrop.MissingCookie;
            return null;
        }
        byte htype = payload[1];
        byte hlen = payload[2];
        if (htype != 1 || hlen != 6)
        {
            problem = DhcpDrop.BadHardwareAddress;
            return null;
        }

        var options = new Dictionary<byte, byte[]>();
        if ((ReadOptions(payload[OptionsOffset..], options) ?? ReadOverloadedFields(payload, options)) is { } malformed)
        {
            problem = malformed;
            return null;
        }
        if (Check(options, out var type, out var requested, out var serverId, out int maxSize) is { } bad)
        {
            problem = bad;
            return null;
        }
        problem = default;
        return new DhcpMessage(options)
        {
            TransactionId = BinaryPrimitives.ReadUInt32BigEndian(payload[XidOffset..]),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(payload[FlagsOffset..]),
            ClientAddress = Ipv4Address.Read(payload[CiaddrOffset..]),
            RelayAddress = Ipv4Address.Read(payload[GiaddrOffset..]),
            ClientMac = MacAddress.Read(payload[ChaddrOffset..]),
            HardwareAddressField = payload.Slice(ChaddrOffset, 16).ToArray(),
            Type = type,
            RequestedAddress = requested,
            ServerIdentifier = serverId,
            MaxMessageSize = maxSize,
            HostName = options.TryGetValue(DhcpOptionCode.HostName, out var name) ? Printable(name) : null,
        };
    }

    private static DhcpDrop? ReadOptions(ReadOnlySpan<byte> field, Dictionary<byte, byte[]> options)
    {
        int i = 0;
        while (i < field.Length)
        {
            byte code = field[i];
            if (code == DhcpOptionCode.Pad)
            {
                i++;
                continue;
            }
            if (code == DhcpOptionCode.End)
            {
                break;
            }
            if (i + 1 >= field.Length || i + 2 + field[i + 1] > field.Length)
            {
                return DhcpDrop.BadOptionLength;
            }
            var value = field.Slice(i + 2, field[i + 1]);
            // RFC 3396: an option that appears more than once is the concatenation of its instances.
            options[code] = options.TryGetValue(code, out var earlier) ? [.. earlier, .. value] : value.ToArray();
            i += 2 + value.Length;
        }
        return null;
    }

    private static DhcpDrop? ReadOverloadedFields(ReadOnlySpan<byte> payload, Dictionary<byte, byte[]> options)
    {
        if (!options.TryGetValue(DhcpOptionCode.Overload, out var overload))
        {
            return null;
        }
        if (overload.Length != 1 || overload[0] is < 1 or > 3)
        {
            return DhcpDrop.BadOverload;
        }
        // RFC 2131 §4.1: the file field first, then sname. An overload option inside them means nothing more.
        var problem = (overload[0] & 1) != 0 ? ReadOptions(payload.Slice(FileOffset, 128), options) : null;
        if (problem is null && (overload[0] & 2) != 0)
        {
            problem = ReadOptions(payload.Slice(SnameOffset, 64), options);
        }
        return problem;
    }

    private static DhcpDrop? Check(Dictionary<byte, byte[]> options, out DhcpMessageType type, out Ipv4Address? requested,
        out Ipv4Address? serverId, out int maxSize)
    {
        type = default;
        requested = null;
        serverId = null;
        maxSize = 576;
        if (!options.TryGetValue(DhcpOptionCode.MessageType, out var typeValue) || typeValue.Length != 1)
        {
            return DhcpDrop.MissingMessageType;
        }
        type = (DhcpMessageType)typeValue[0];
        if (type is not (DhcpMessageType.Discover or DhcpMessageType.Request or DhcpMessageType.Decline
            or DhcpMessageType.Release or DhcpMessageType.Inform))
        {
            return DhcpDrop.BadMessageType;
        }
        if (options.TryGetValue(DhcpOptionCode.RequestedAddress, out var value))
        {
            if (value.Length != 4)
            {
                return DhcpDrop.BadOptionLength;
            }
            requested = Ipv4Address.Read(value);
        }
        if (options.TryGetValue(DhcpOptionCode.ServerIdentifier, out value))
        {
            if (value.Length != 4)
            {
                return DhcpDrop.BadOptionLength;
            }
            serverId = Ipv4Address.Read(value);
        }
        if (options.TryGetValue(DhcpOptionCode.MaxMessageSize, out value))
        {
            if (value.Length != 2)
            {
                return DhcpDrop.BadOptionLength;
            }
            maxSize = Math.Max(576, (int)BinaryPrimitives.ReadUInt16BigEndian(value));
        }
        if (options.TryGetValue(DhcpOptionCode.ClientIdentifier, out value) && value.Length < 2)
        {
            return DhcpDrop.BadClientId;
        }
        if (options.TryGetValue(DhcpOptionCode.RelayAgentInformation, out value) && !IsWellFormedRelayInfo(value))
        {
            return DhcpDrop.BadRelayAgentInfo;
        }
        return null;
    }

    // RFC 3046 §2.0: a sequence of sub-options, each code, length, value, that exactly fills the option.
    private static bool IsWellFormedRelayInfo(ReadOnlySpan<byte> value)
    {
        if (value.Length == 0)
        {
            return false;
        }
        int i = 0;
        while (i < value.Length)
        {
            if (i + 1 >= value.Length || i + 2 + value[i + 1] > value.Length)
            {
                return false;
            }
            i += 2 + value[i + 1];
        }
        return true;
    }

    private static string Printable(ReadOnlySpan<byte> name)
    {
        var text = new StringBuilder(name.Length);
        foreach (byte b in name)
        {
            if (b == 0)
            {
                break;
            }
            text.Append(b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' ? (char)b : '?');
        }
        return text.ToString();
    }

    /// <summary>Bytes as lower-case hex pairs joined by colons (<c>01:02:0a</c>), as dnsmasq and Kea print client ids.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte b in bytes)
        {
            if (text.Length != 0)
            {
                text.Append(':');
            }
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
