using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Ip;

/// <summary>Reads IPv4 addresses and prefixes from a topology file, reporting a bad one with its line and column.</summary>
public static class Ipv4ConfigReader
{
    /// <summary>An IPv4 address with prefix length (<c>10.0.0.1/24</c>), or null after reporting.</summary>
    public static Ipv4Prefix? InterfaceAddress(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address with a prefix length such as 10.0.0.1/24, not '{scalar.Value}'");
            return null;
        }
        return prefix;
    }

    /// <summary>An IPv4 address, or null after reporting.</summary>
    public static Ipv4Address? Address(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Address.TryParse(scalar.Value, out var address))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 address such as 10.0.0.1, not '{scalar.Value}'");
            return null;
        }
        return address;
    }


    /// <summary>An IPv4 prefix with its length (<c>10.1.0.0/24</c>), as its network, or null after reporting.</summary>
    public static Ipv4Prefix? Prefix(this ConfigReader reader, ConfigNode node, string what)
    {
        if (reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        if (!Ipv4Prefix.TryParse(scalar.Value, out var prefix, requireLength: true))
        {
            reader.Diagnostics.Error(DiagnosticCodes.BadAddress, node.Span, $"{what} must be an IPv4 prefix such as 10.1.0.0/24, not '{scalar.Value}'");
            return null;
        }
        return prefix.Network;
    }
}
