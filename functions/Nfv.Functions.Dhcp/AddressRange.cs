using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>An inclusive range of IPv4 addresses a pool hands out (<c>10.0.0.100-10.0.0.199</c>).</summary>
public readonly record struct AddressRange(Ipv4Address First, Ipv4Address Last)
{
    /// <summary>Addresses in the range.</summary>
    public long Count => (long)Last.Value - First.Value + 1;

    /// <summary>True when <paramref name="address"/> is in the range.</summary>
    public bool Contains(Ipv4Address address) => address.Value >= First.Value && address.Value <= Last.Value;

    /// <summary>True when the two ranges share an address.</summary>
    public bool Overlaps(AddressRange other) => First.Value <= other.Last.Value && other.First.Value <= Last.Value;

    /// <summary>Parses <c>A-B</c> (a single address is a range of one).</summary>
    public static bool TryParse(string text, out AddressRange range)
    {
        range = default;
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        string first = dash < 0 ? text : text[..dash];
        string last = dash < 0 ? text : text[(dash + 1)..];
        if (!Ipv4Address.TryParse(first.Trim(), out var a) || !Ipv4Address.TryParse(last.Trim(), out var b) || b.Value < a.Value)
        {
            return false;
        }
        range = new AddressRange(a, b);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => First == Last ? First.ToString() : $"{First}-{Last}";
}
