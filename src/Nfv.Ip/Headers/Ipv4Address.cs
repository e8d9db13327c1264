using System.Buffers.Binary;
using System.Globalization;

namespace Nfv.Ip.Headers;

/// <summary>An IPv4 address as a host-order <see cref="uint"/>: cheap to compare, mask and hash.</summary>
public readonly record struct Ipv4Address(uint Value) : IComparable<Ipv4Address>, INeighbourAddress<Ipv4Address>
{
    /// <summary>0.0.0.0.</summary>
    public static Ipv4Address Any => new(0);

    /// <summary>Reads four bytes in network order.</summary>
    public static Ipv4Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    /// <summary>Writes four bytes in network order.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>Parses dotted-quad text.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = default;
        uint value = 0;
        int parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (parts == 4 || part.Length is < 1 or > 3 || (part.Length > 1 && part[0] == '0') ||
                !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out uint octet) || octet > 255)
            {
                return false;
            }
            value = (value << 8) | octet;
            parts++;
        }
        if (parts != 4)
        {
            return false;
        }
        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address.");

    /// <inheritdoc/>
    static ulong INeighbourAddress<Ipv4Address>.Fold(Ipv4Address address) => address.Value;

    /// <inheritdoc/>
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    /// <inheritdoc/>
    public override string ToString() => $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}";
}
