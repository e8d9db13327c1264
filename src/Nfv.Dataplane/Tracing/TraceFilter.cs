using System.Buffers.Binary;
using System.Globalization;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Dataplane.Tracing;

/// <summary>
/// Which received frames <c>nfv trace</c> follows: a conjunction of simple terms, tcpdump-flavoured but no BPF.
/// <c>in p1 icmp host 10.0.0.2</c> (an optional <c>and</c> may join terms). The empty filter matches every frame.
/// </summary>
/// <remarks>
/// Terms: <c>in PORT</c> (the external port the frame arrived on), <c>vlan N</c>, <c>arp</c>, <c>ip</c>,
/// <c>ipv6</c>, <c>ether TYPE</c> (EtherType, looked up past one 802.1Q tag), <c>mac MAC</c> (source or
/// destination), <c>host IP</c>, <c>src IP</c>, <c>dst IP</c> (IPv4 or IPv6 source/destination, or an ARP packet's
/// sender and target), <c>icmp</c>, <c>icmp6</c>, <c>udp</c>, <c>tcp</c>, <c>proto N</c>, <c>port N</c> (UDP or TCP,
/// either side; over IPv6 the upper layer is found past the extension headers).
/// <see cref="Matches"/> allocates nothing; it runs only while a trace is armed.
/// </remarks>
public sealed class TraceFilter
{
    /// <summary>The terms, for error messages and help.</summary>
    public const string Syntax = "in PORT, vlan N, arp, ip, ipv6, ether TYPE, mac MAC, host IP, src IP, dst IP, icmp, icmp6, udp, tcp, proto N, port N";

    private enum Kind
    {
        EtherType,
        Vlan,
        Mac,
        Host,
        Source,
        Destination,
        Protocol,
        L4Port,
    }

    // Value: a number, a MAC, or an address (an IPv4 one in the low 32 bits unless Ipv6).
    private readonly record struct Term(Kind Kind, UInt128 Value, bool Ipv6 = false);

    private readonly Term[] _terms;

    private TraceFilter(string text, Term[] terms, string? ingressPort)
    {
        Text = text;
        _terms = terms;
        IngressPort = ingressPort;
    }

    /// <summary>The filter that matches every frame.</summary>
    public static TraceFilter All { get; } = new(string.Empty, [], null);

    /// <summary>The filter as written (normalised spacing).</summary>
    public string Text { get; }

    /// <summary>The external port named by <c>in PORT</c>, or null for any.</summary>
    public string? IngressPort { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and where.</summary>
    public static bool TryParse(string? text, out TraceFilter filter, out string? error)
    {
        filter = All;
        error = null;
        var words = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var terms = new List<Term>();
        string? ingress = null;
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i].ToLowerInvariant();
            switch (word)
            {
                case "and" when i > 0 && i < words.Length - 1:
                    continue;
                case "arp":
                    terms.Add(new Term(Kind.EtherType, EthernetHeader.TypeArp));
                    continue;
                case "ip" or "ipv4":
                    terms.Add(new Term(Kind.EtherType, EthernetHeader.TypeIpv4));
                    continue;
                case "ipv6" or "ip6":
                    terms.Add(new Term(Kind.EtherType, EthernetHeader.TypeIpv6));
                    continue;
                case "icmp":
                    terms.Add(new Term(Kind.Protocol, Ipv4Header.ProtocolIcmp));
                    continue;
                case "icmp6" or "icmpv6":
                    terms.Add(new Term(Kind.Protocol, Ipv6Header.ProtocolIcmpv6, Ipv6: true));
                    continue;
                case "udp":
                    terms.Add(new Term(Kind.Protocol, Ipv4Header.ProtocolUdp));
                    continue;
                case "tcp":
                    terms.Add(new Term(Kind.Protocol, Ipv4Header.ProtocolTcp));
                    continue;
            }
            if (word is not ("in" or "vlan" or "ether" or "mac" or "host" or "src" or "dst" or "proto" or "port"))
            {
                error = $"unknown term '{words[i]}'; a filter is terms joined by spaces or 'and': {Syntax}";
                return false;
            }
            if (i + 1 >= words.Length)
            {
                error = $"'{word}' needs a value ({Expected(word)})";
                return false;
            }
            string value = words[++i];
            if (!TryValue(word, value, out var term))
            {
                error = $"'{word}' needs {Expected(word)}, not '{value}'";
                return false;
            }
            if (word == "in")
            {
                if (ingress is not null && ingress != value)
                {
                    error = $"a frame arrives on one port: 'in {ingress}' and 'in {value}' cannot both hold";
                    return false;
                }
                ingress = value;
                continue;
            }
            terms.Add(term);
        }
        filter = new TraceFilter(string.Join(' ', words), [.. terms], ingress);
        return true;
    }

    private static string Expected(string word) => word switch
    {
        "in" => "an external port's name",
        "vlan" => "a VLAN id from 1 to 4094",
        "ether" => "an EtherType such as 0x0806",
        "mac" => "a MAC address such as 02:00:00:00:00:01",
        "host" or "src" or "dst" => "an IPv4 or IPv6 address such as 10.0.0.1 or 2001:db8::1",
        "proto" => "an IP protocol number from 0 to 255, or icmp, udp, tcp",
        _ => "a UDP or TCP port number from 0 to 65535",
    };

    private static bool TryValue(string word, string value, out Term term)
    {
        term = default;
        switch (word)
        {
            case "in":
                return true;
            case "vlan":
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int vlan) && vlan is >= 1 and <= 4094)
                {
                    term = new Term(Kind.Vlan, (ulong)vlan);
                    return true;
                }
                return false;
            case "ether":
                bool hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
                if (ushort.TryParse(hex ? value[2..] : value, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out ushort type))
                {
                    term = new Term(Kind.EtherType, type);
                    return true;
                }
                return false;
            case "mac":
                if (MacAddress.TryParse(value, out var mac))
                {
                    term = new Term(Kind.Mac, mac.Value);
                    return true;
                }
                return false;
            case "host" or "src" or "dst":
                var kind = word == "host" ? Kind.Host : word == "src" ? Kind.Source : Kind.Destination;
                if (value.Count(c => c == '.') == 3 && Ipv4Address.TryParse(value, out var address))
                {
                    term = new Term(kind, address.Value);
                    return true;
                }
                if (Ipv6Address.TryParse(value, out var address6))
                {
                    term = new Term(kind, address6.Value, Ipv6: true);
                    return true;
                }
                return false;
            case "proto":
                int protocol = value.ToLowerInvariant() switch
                {
                    "icmp" => Ipv4Header.ProtocolIcmp,
                    "udp" => Ipv4Header.ProtocolUdp,
                    "tcp" => Ipv4Header.ProtocolTcp,
                    _ => byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out byte p) ? p : -1,
                };
                if (protocol >= 0)
                {
                    term = new Term(Kind.Protocol, (ulong)protocol);
                    return true;
                }
                return false;
            default:
                if (ushort.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
                {
                    term = new Term(Kind.L4Port, port);
                    return true;
                }
                return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="frame"/> matches every term but <c>in PORT</c> (the caller checks the port: it
    /// knows ports by number). Allocates nothing; a frame too short for a term does not match it.
    /// </summary>
    public bool Matches(ReadOnlySpan<byte> frame)
    {
        if (_terms.Length == 0)
        {
            return true;
        }
        if (frame.Length < EthernetHeader.Size)
        {
            return false;
        }
        int l3 = EthernetHeader.Size;
        ushort type = EthernetHeader.Type(frame);
        int vid = 0;
        if (type == EthernetHeader.TypeVlan && frame.Length >= EthernetHeader.Size + EthernetHeader.VlanTagSize)
        {
            vid = EthernetHeader.VlanId(frame);
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 += EthernetHeader.VlanTagSize;
        }
        var payload = frame[l3..];
        bool ipv4 = type == EthernetHeader.TypeIpv4 && payload.Length >= Ipv4Header.MinSize && Ipv4Header.Version(payload) == 4;
        bool arp = type == EthernetHeader.TypeArp && ArpHeader.IsEthernetIpv4(payload) && payload.Length >= ArpHeader.Size;
        bool ipv6 = type == EthernetHeader.TypeIpv6 && payload.Length >= Ipv6Header.Size && Ipv6Header.Version(payload) == 6;
        foreach (var term in _terms)
        {
            bool match = term.Kind switch
            {
                Kind.EtherType => type == term.Value,
                Kind.Vlan => vid == (int)term.Value,
                Kind.Mac => EthernetHeader.Source(frame).Value == term.Value || EthernetHeader.Destination(frame).Value == term.Value,
                Kind.Host or Kind.Source or Kind.Destination when term.Ipv6 =>
                    ipv6 && ((term.Kind != Kind.Destination && Ipv6Header.Source(payload).Value == term.Value) ||
                             (term.Kind != Kind.Source && Ipv6Header.Destination(payload).Value == term.Value)),
                Kind.Host => ipv4
                    ? Ipv4Header.Source(payload).Value == term.Value || Ipv4Header.Destination(payload).Value == term.Value
                    : arp && (ArpHeader.SenderIp(payload).Value == term.Value || ArpHeader.TargetIp(payload).Value == term.Value),
                Kind.Source => ipv4 ? Ipv4Header.Source(payload).Value == term.Value : arp && ArpHeader.SenderIp(payload).Value == term.Value,
                Kind.Destination => ipv4 ? Ipv4Header.Destination(payload).Value == term.Value : arp && ArpHeader.TargetIp(payload).Value == term.Value,
                Kind.Protocol when term.Ipv6 => ipv6 && UpperLayer6(payload, out byte next, out _) && next == term.Value,
                Kind.Protocol => (ipv4 && Ipv4Header.Protocol(payload) == term.Value) ||
                    (ipv6 && term.Value != Ipv4Header.ProtocolIcmp && UpperLayer6(payload, out byte p, out _) && p == term.Value),
                Kind.L4Port => (ipv4 && MatchesPort(payload, (ushort)term.Value)) || (ipv6 && MatchesPort6(payload, (ushort)term.Value)),
                _ => false,
            };
            if (!match)
            {
                return false;
            }
        }
        return true;
    }

    private static bool MatchesPort(ReadOnlySpan<byte> ip, ushort port)
    {
        byte protocol = Ipv4Header.Protocol(ip);
        int headerLength = Ipv4Header.HeaderLength(ip);
        if ((protocol != Ipv4Header.ProtocolUdp && protocol != Ipv4Header.ProtocolTcp) || Ipv4Header.IsLaterFragment(ip) ||
            headerLength < Ipv4Header.MinSize || ip.Length < headerLength + 4)
        {
            return false;
        }
        var l4 = ip[headerLength..];
        return UdpHeader.SourcePort(l4) == port || UdpHeader.DestinationPort(l4) == port;
    }

    private static bool MatchesPort6(ReadOnlySpan<byte> ip, ushort port)
    {
        if (!UpperLayer6(ip, out byte protocol, out int offset) || (protocol != Ipv6Header.ProtocolUdp && protocol != Ipv6Header.ProtocolTcp) ||
            ip.Length < offset + 4)
        {
            return false;
        }
        var l4 = ip[offset..];
        return UdpHeader.SourcePort(l4) == port || UdpHeader.DestinationPort(l4) == port;
    }

    // The upper layer of an IPv6 packet that is not a later fragment.
    private static bool UpperLayer6(ReadOnlySpan<byte> ip, out byte protocol, out int offset) =>
        Ipv6Header.FindUpperLayer(ip, out protocol, out offset, out bool fragment) == Ipv6ChainResult.Found && !fragment;

    /// <inheritdoc/>
    public override string ToString() => Text.Length == 0 ? "(all)" : Text;
}
