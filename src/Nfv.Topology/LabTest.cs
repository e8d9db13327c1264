using Nfv.Abstractions.Configuration;
using Nfv.Ip.Headers;

namespace Nfv.Topology;

/// <summary>What a lab test checks (the key that starts its entry under <c>tests:</c>).</summary>
public enum LabTestKind
{
    /// <summary><c>ping: h1 -&gt; internet</c>: echo replies come back (or none do, with <c>expect: fail</c>), within loss and round-trip bounds.</summary>
    Ping,

    /// <summary><c>tcp: h1 -&gt; internet:80</c>: a connection is accepted (nfv listens there for the test when the target is a lab host).</summary>
    Tcp,

    /// <summary><c>udp: h1 -&gt; internet:53</c>: a datagram arrives (nfv listens there for the test when the target is a lab host).</summary>
    Udp,

    /// <summary><c>lease: h1, in: 192.168.10.100-192.168.10.199</c>: a DHCP host holds an address in the range.</summary>
    Lease,
}

/// <summary>Where a lab test goes: a lab host (its address found when the test runs: static, or its lease) or an address.</summary>
/// <param name="Host">A lab host's name, or null for a literal address.</param>
/// <param name="Address">The literal address, or null for a host.</param>
public sealed record LabTestTarget(string? Host, Ipv4Address? Address)
{
    /// <inheritdoc/>
    public override string ToString() => Host ?? Address.ToString()!;
}

/// <summary>
/// One entry of a topology's <c>tests:</c>: what <c>nfv test</c> checks on the running lab, from a namespace host.
/// </summary>
/// <param name="Kind">What it checks.</param>
/// <param name="Source">The lab host it runs from (for <see cref="LabTestKind.Lease"/>, the host whose lease it reads).</param>
/// <param name="Span">Where it is written.</param>
public sealed record LabTest(LabTestKind Kind, string Source, SourceSpan Span)
{
    /// <summary>Where it goes; null for a lease test.</summary>
    public LabTestTarget? Target { get; init; }

    /// <summary>The TCP or UDP port; 0 for the others.</summary>
    public int Port { get; init; }

    /// <summary>True with <c>expect: fail</c>: the test passes when nothing gets through.</summary>
    public bool ExpectFailure { get; init; }

    /// <summary>Echo requests a ping test sends (<c>count:</c>).</summary>
    public int Count { get; init; } = 3;

    /// <summary>The most loss a ping test accepts, 0 to 1 (<c>max-loss: 5%</c>); null: any reply is enough.</summary>
    public double? MaxLoss { get; init; }

    /// <summary>The longest average round trip a ping test accepts (<c>max-rtt: 50ms</c>); null for no bound.</summary>
    public TimeSpan? MaxRtt { get; init; }

    /// <summary>
    /// How long the test may keep trying before it fails (<c>within: 60s</c>): for what takes a while to come up, such as a
    /// VM booting or an address from router advertisements. Null: one try. A test that expects failure tries once.
    /// </summary>
    public TimeSpan? Within { get; init; }

    /// <summary>
    /// Where a TCP or UDP test listens when that is not its target (<c>listen: h2:80</c>): behind a port forward, the host
    /// and port it forwards to. Null: at the target, when it is a lab host.
    /// </summary>
    public (string Host, int Port)? Listen { get; init; }

    /// <summary>The source address the far end must see (<c>as: 203.0.113.2</c>, behind a NAT); null for any.</summary>
    public Ipv4Address? SeenAs { get; init; }

    /// <summary>A lease test's range (<c>in: A-B</c>), first and last address.</summary>
    public (Ipv4Address First, Ipv4Address Last)? Range { get; init; }

    /// <summary>The test as a person reads it: <c>ping h1 -&gt; internet</c>, <c>tcp h1 -&gt; internet:80 (expect fail)</c>, <c>lease h1 in A-B</c>.</summary>
    public string Name => Kind switch
    {
        LabTestKind.Lease => $"lease {Source} in {Range!.Value.First}-{Range.Value.Last}",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Source} -> {Target}{(Port > 0 ? $":{Port}" : "")}{(ExpectFailure ? " (expect fail)" : "")}",
    };
}
