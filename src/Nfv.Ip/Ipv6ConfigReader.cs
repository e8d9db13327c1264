using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>Reads IPv6 addresses and prefixes from a topology file, reporting a bad one with its line and column.</summary>
public static class Ipv6ConfigReader
{
    /// <summary>True when <paramref name="node"/> is a scalar that can only be meant as IPv6 (it holds a colon).</summary>
    public static bool LooksLikeIpv6(ConfigNode node) => node is ConfigScalar scalar && scalar.Value.Contains(':', StringComparison.Ordinal);

    /// <summary>An IPv6 address with prefix length (<c>2001:db8::1/64</c>), or null after reporting.</summary>
    public static Ipv6Prefix? InterfaceAddressV6(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv6Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv6 address with a prefix length such as 2001:db8::1/64, not '{scalar.Value}'");
            return null;
        }
        return prefix;
    }

    /// <summary>An IPv6 address, or null after reporting.</summary>
    public static Ipv6Address? AddressV6(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv6Address.TryParse(scalar.Value, out var address))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv6 address such as 2001:db8::1, not '{scalar.Value}'");
            return null;
        }
        return address;
    }

    /// <summary>An IPv6 prefix with its length (<c>2001:db8:1::/48</c>), as its network, or null after reporting.</summary>
    public static Ipv6Prefix? PrefixV6(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv6Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv6 prefix such as 2001:db8:1::/64, not '{scalar.Value}'");
            return null;
        }
        return prefix.Network;
    }
}
