using System.Globalization;

namespace Nfv.Ip.Headers;

/// <summary>An IPv4 address with a prefix length: an interface address (<c>10.0.0.1/24</c>) or a route (<c>10.0.0.0/8</c>).</summary>
public readonly record struct Ipv4Prefix(Ipv4Address Address, int Length)
{
    /// <summary>The netmask as a host-order value.</summary>
    public uint Mask => Length == 0 ? 0 : uint.MaxValue << (32 - Length);

    /// <summary>The network this address is in (host bits cleared).</summary>
    public Ipv4Prefix Network => new(new Ipv4Address(Address.Value & Mask), Length);

    /// <summary>True when <paramref name="address"/> is inside the prefix.</summary>
    public bool Contains(Ipv4Address address) => (address.Value & Mask) == (Address.Value & Mask);

    /// <summary>Parses <c>A.B.C.D/N</c>; without <paramref name="requireLength"/>, a bare address is a /32.</summary>
    public static bool TryParse(string text, out Ipv4Prefix prefix, bool requireLength = false)
    {
        prefix = default;
        int slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (requireLength || !Ipv4Address.TryParse(text, out var bare))
            {
                return false;
            }
            prefix = new Ipv4Prefix(bare, 32);
            return true;
        }
        if (!Ipv4Address.TryParse(text.AsSpan(0, slash), out var address) ||
            !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > 32)
        {
            return false;
        }
        prefix = new Ipv4Prefix(address, length);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static Ipv4Prefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not an IPv4 prefix.");

    /// <inheritdoc/>
    public override string ToString() => $"{Address}/{Length}";
}
