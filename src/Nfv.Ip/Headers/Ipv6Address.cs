using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Nfv.Abstractions.Headers;

namespace Nfv.Ip.Headers;

/// <summary>An IPv6 address as a host-order <see cref="UInt128"/>: cheap to compare, mask and hash.</summary>
public readonly record struct Ipv6Address(UInt128 Value) : IComparable<Ipv6Address>, INeighbourAddress<Ipv6Address>
{
    /// <summary>The size of an address in bytes.</summary>
    public const int Size = 16;

    /// <summary><c>::</c>, the unspecified address (RFC 4291 §2.5.2).</summary>
    public static Ipv6Address Unspecified => default;

    /// <summary><c>ff02::1</c>, all nodes on the link.</summary>
    public static Ipv6Address AllNodes => new(new UInt128(0xFF02_0000_0000_0000UL, 1));

    /// <summary><c>ff02::2</c>, all routers on the link.</summary>
    public static Ipv6Address AllRouters => new(new UInt128(0xFF02_0000_0000_0000UL, 2));

    /// <summary>The upper 64 bits (the prefix of an address in a /64).</summary>
    public ulong High => (ulong)(Value >> 64);

    /// <summary>The lower 64 bits (the interface identifier of an address in a /64).</summary>
    public ulong Low => (ulong)Value;

    /// <summary>True for <c>::</c>.</summary>
    public bool IsUnspecified => Value == UInt128.Zero;

    /// <summary>True for <c>::1</c>.</summary>
    public bool IsLoopback => Value == UInt128.One;

    /// <summary>True for <c>ff00::/8</c>.</summary>
    public bool IsMulticast => (High >> 56) == 0xFF;

    /// <summary>True for <c>fe80::/10</c>, link-local unicast: never forwarded off its link.</summary>
    public bool IsLinkLocal => (High >> 54) == 0x3FA;

    /// <summary>
    /// True for a multicast address whose scope (RFC 4291 §2.7) is the interface or the link: never forwarded.
    /// </summary>
    public bool IsLinkScopeMulticast => IsMulticast && ((High >> 48) & 0xF) <= 2;

    /// <summary>The solicited-node multicast address of this one (<c>ff02::1:ffXX:XXXX</c>, RFC 4291 §2.7.1).</summary>
    public Ipv6Address SolicitedNode => new(new UInt128(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL | (Low & 0xFF_FFFF)));

    /// <summary>The Ethernet address a multicast IPv6 address maps to (<c>33:33</c> + its low 32 bits, RFC 2464 §7).</summary>
    public MacAddress MulticastMac => new(0x3333_0000_0000UL | (uint)Low);

    /// <summary>The link-local address <c>fe80::/64</c> with the modified EUI-64 identifier of <paramref name="mac"/> (RFC 4291 appendix A).</summary>
    public static Ipv6Address LinkLocal(MacAddress mac) => new(new UInt128(0xFE80_0000_0000_0000UL, InterfaceIdentifier(mac)));

    /// <summary>The modified EUI-64 interface identifier of <paramref name="mac"/>: ff:fe in the middle, the universal/local bit flipped.</summary>
    public static ulong InterfaceIdentifier(MacAddress mac)
    {
        ulong value = mac.Value;
        ulong upper = (value >> 24) ^ 0x02_0000; // the first three bytes, U/L bit flipped
        return (upper << 40) | (0xFFFEUL << 24) | (value & 0xFF_FFFF);
    }

    /// <summary>Reads sixteen bytes in network order.</summary>
    public static Ipv6Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt128BigEndian(source));

    /// <summary>Writes sixteen bytes in network order.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>Parses RFC 4291 text (<c>2001:db8::1</c>); not IPv4 dotted quads, zones or brackets.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv6Address address)
    {
        address = default;
        if (text.IndexOfAny('%', '[') >= 0 || text.IndexOf(':') < 0 ||
            !IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[Size];
        parsed.TryWriteBytes(bytes, out _);
        address = Read(bytes);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static Ipv6Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv6 address.");

    /// <inheritdoc/>
    static ulong INeighbourAddress<Ipv6Address>.Fold(Ipv6Address address) => address.High * 0xFF51_AFD7_ED55_8CCDUL ^ address.Low;

    /// <inheritdoc/>
    public int CompareTo(Ipv6Address other) => Value.CompareTo(other.Value);

    /// <summary>RFC 5952 text (<c>2001:db8::1</c>). Allocates: for display and traces.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return new IPAddress(bytes).ToString();
    }
}
