using System.Globalization;

namespace Nfv.Ip.Headers;

/// <summary>An IPv6 address with a prefix length: an interface address (<c>2001:db8::1/64</c>) or a route (<c>2001:db8::/32</c>).</summary>
public readonly record struct Ipv6Prefix(Ipv6Address Address, int Length)
{
    /// <summary>The mask of the prefix's bits.</summary>
    public UInt128 Mask => Length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - Length);

    /// <summary>The network this address is in (host bits cleared).</summary>
    public Ipv6Prefix Network => new(new Ipv6Address(Address.Value & Mask), Length);

    /// <summary>True when <paramref name="address"/> is inside the prefix.</summary>
    public bool Contains(Ipv6Address address) => ((address.Value ^ Address.Value) & Mask) == UInt128.Zero;

    /// <summary>Parses <c>ADDRESS/N</c>; without <paramref name="requireLength"/>, a bare address is a /128.</summary>
    public static bool TryParse(string text, out Ipv6Prefix prefix, bool requireLength = false)
    {
        prefix = default;
        int slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (requireLength || !Ipv6Address.TryParse(text, out var bare))
            {
                return false;
            }
            prefix = new Ipv6Prefix(bare, 128);
            return true;
        }
        if (!Ipv6Address.TryParse(text.AsSpan(0, slash), out var address) || slash + 1 == text.Length ||
            !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length > 128)
        {
            return false;
        }
        prefix = new Ipv6Prefix(address, length);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static Ipv6Prefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"'{text}' is not an IPv6 prefix.");

    /// <inheritdoc/>
    public override string ToString() => $"{Address}/{Length}";
}
