using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// A subnet the server hands addresses on: the server's own segment, or one behind a relay agent (chosen by giaddr,
/// RFC 2131 §4.3.1). It carries its pool and the options every client on it gets.
/// </summary>
public sealed class DhcpSubnet
{
    private readonly long[] _rangeStarts;

    /// <summary>Creates a subnet; <paramref name="options"/> are the encoded option values by code.</summary>
    public DhcpSubnet(Ipv4Prefix prefix, IReadOnlyList<AddressRange> ranges, TimeSpan leaseTime,
        IReadOnlyDictionary<byte, byte[]> options, SourceSpan span)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(options);
        Prefix = prefix.Network;
        Ranges = ranges;
        LeaseTime = leaseTime;
        Options = options;
        Span = span;
        _rangeStarts = new long[ranges.Count];
        long total = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            _rangeStarts[i] = total;
            total += ranges[i].Count;
        }
        PoolSize = total;
    }

    /// <summary>The subnet (network address and length).</summary>
    public Ipv4Prefix Prefix { get; }

    /// <summary>The dynamic pool: the ranges addresses are handed out from.</summary>
    public IReadOnlyList<AddressRange> Ranges { get; }

    /// <summary>Addresses in the pool.</summary>
    public long PoolSize { get; }

    /// <summary>How long a lease lasts (option 51); T1 is half of it, T2 seven eighths (RFC 2131 §4.4.5).</summary>
    public TimeSpan LeaseTime { get; }

    /// <summary>Option values by code, already encoded: mask, router, DNS, domain, broadcast, MTU, NTP, routes, custom.</summary>
    public IReadOnlyDictionary<byte, byte[]> Options { get; }

    /// <summary>Where the subnet is declared.</summary>
    public SourceSpan Span { get; }

    /// <summary>True when <paramref name="address"/> is in the dynamic pool.</summary>
    public bool InPool(Ipv4Address address)
    {
        foreach (var range in Ranges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The pool's <paramref name="index"/>-th address (0 ≤ index &lt; <see cref="PoolSize"/>).</summary>
    public Ipv4Address PoolAddress(long index)
    {
        int range = Array.BinarySearch(_rangeStarts, index);
        if (range < 0)
        {
            range = ~range - 1;
        }
        return new Ipv4Address((uint)(Ranges[range].First.Value + (index - _rangeStarts[range])));
    }
}
