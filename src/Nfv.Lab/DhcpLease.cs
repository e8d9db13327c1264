using System.Globalization;
using Nfv.Ip.Headers;

namespace Nfv.Lab;

/// <summary>
/// What a DHCP client was given, as its script recorded it (see <see cref="DhcpClientProcess"/>): the same
/// fields whichever client asked, so a test reads dhclient, udhcpc and dhcpcd alike.
/// </summary>
/// <param name="Address">The leased address with the prefix length of the subnet mask (option 1).</param>
/// <param name="Router">The first router (option 3), or null when the server sent none.</param>
/// <param name="DnsServers">The DNS servers (option 6), in the server's order; empty when none.</param>
/// <param name="Domain">The domain name (option 15), or null.</param>
/// <param name="LeaseTime">The lease time (option 51), or null when the client did not report one.</param>
/// <param name="ServerId">The server identifier (option 54), or null.</param>
/// <param name="Reason">Why the script ran, upper case: <c>BOUND</c> for a new lease, <c>RENEW</c>, <c>REBIND</c> or <c>REBOOT</c> later.</param>
public sealed record DhcpLease(
    Ipv4Prefix Address,
    Ipv4Address? Router,
    IReadOnlyList<Ipv4Address> DnsServers,
    string? Domain,
    TimeSpan? LeaseTime,
    Ipv4Address? ServerId,
    string Reason)
{
    /// <summary>
    /// Parses the <c>key=value</c> lines the client script writes (<c>reason ip mask router dns domain lease serverid</c>;
    /// lists are separated by spaces). Returns null without a valid <c>ip</c> and <c>mask</c>; other malformed values
    /// read as absent, and unknown keys are ignored.
    /// </summary>
    public static DhcpLease? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }
        if (!Ipv4Address.TryParse(Get("ip"), out var ip) || PrefixLength(Get("mask")) is not { } length)
        {
            return null;
        }
        var routers = Addresses(Get("router"));
        return new DhcpLease(
            new Ipv4Prefix(ip, length),
            routers.Count > 0 ? routers[0] : null,
            Addresses(Get("dns")),
            Get("domain") is { Length: > 0 } domain ? domain : null,
            uint.TryParse(Get("lease"), NumberStyles.None, CultureInfo.InvariantCulture, out uint seconds) ? TimeSpan.FromSeconds(seconds) : null,
            Ipv4Address.TryParse(Get("serverid"), out var server) ? server : null,
            Get("reason").ToUpperInvariant());

        string Get(string key) => values.TryGetValue(key, out var value) ? value : "";
    }

    /// <summary>A dotted mask (<c>255.255.255.0</c>) or a length (<c>24</c>) as a prefix length; null if neither or not contiguous.</summary>
    internal static int? PrefixLength(string mask)
    {
        if (int.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            return length is >= 0 and <= 32 ? length : null;
        }
        if (!Ipv4Address.TryParse(mask, out var dotted))
        {
            return null;
        }
        int ones = System.Numerics.BitOperations.PopCount(dotted.Value);
        uint expected = ones == 0 ? 0 : uint.MaxValue << (32 - ones);
        return dotted.Value == expected ? ones : null;
    }

    private static List<Ipv4Address> Addresses(string list)
    {
        var addresses = new List<Ipv4Address>();
        foreach (var item in list.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Ipv4Address.TryParse(item, out var address))
            {
                addresses.Add(address);
            }
        }
        return addresses;
    }

    /// <inheritdoc/>
    public bool Equals(DhcpLease? other) =>
        other is not null && Address == other.Address && Router == other.Router && DnsServers.SequenceEqual(other.DnsServers)
        && Domain == other.Domain && LeaseTime == other.LeaseTime && ServerId == other.ServerId && Reason == other.Reason;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, Router, DnsServers.Count, Domain, LeaseTime, ServerId, Reason);

    /// <summary>One line: <c>10.0.0.57/24 router 10.0.0.1 dns 10.0.0.53 domain lab.test lease 3600 s from 10.0.0.1</c>.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(Address.ToString());
        if (Router is { } router)
        {
            text.Append(CultureInfo.InvariantCulture, $" router {router}");
        }
        if (DnsServers.Count > 0)
        {
            text.Append(" dns ").AppendJoin(',', DnsServers);
        }
        if (Domain is { } domain)
        {
            text.Append(" domain ").Append(domain);
        }
        if (LeaseTime is { } lease)
        {
            text.Append(CultureInfo.InvariantCulture, $" lease {lease.TotalSeconds:0} s");
        }
        if (ServerId is { } server)
        {
            text.Append(CultureInfo.InvariantCulture, $" from {server}");
        }
        return text.ToString();
    }
}
