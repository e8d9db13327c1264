using System.Buffers.Binary;
using System.Globalization;

namespace Nfv.Abstractions.Headers;

/// <summary>A 48-bit MAC address held in the low bits of a <see cref="ulong"/>: cheap to compare and hash.</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast => new(0xFFFF_FFFF_FFFFUL);

    /// <summary>Reads six bytes in network order.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt32BigEndian(source) << 16) | BinaryPrimitives.ReadUInt16BigEndian(source[4..]));

    /// <summary>Writes six bytes in network order.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(Value >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)Value);
    }

    /// <summary>
    /// A stable, locally administered unicast address derived from <paramref name="name"/> (FNV-1a): the same
    /// topology gives its functions the same MACs on every run, so neighbours' ARP caches stay right across restarts.
    /// </summary>
    public static MacAddress FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ulong hash = 0xCBF2_9CE4_8422_2325UL;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 0x0000_0100_0000_01B3UL;
        }
        return new MacAddress(0x0200_0000_0000UL | (hash & 0xFF_FFFF_FFFFUL));
    }

    /// <summary>True for group (multicast and broadcast) addresses: the I/G bit of the first byte.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => Value == 0xFFFF_FFFF_FFFFUL;

    /// <summary>Parses <c>02:00:00:00:00:01</c> (colons or dashes).</summary>
    public static bool TryParse(string text, out MacAddress mac)
    {
        mac = default;
        var parts = text.Split(text.Contains('-') ? '-' : ':');
        if (parts.Length != 6)
        {
            return false;
        }
        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length is < 1 or > 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }
            value = (value << 8) | b;
        }
        mac = new MacAddress(value);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address.");

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        Write(b);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
    }
}
