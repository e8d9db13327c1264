using Nfv.Abstractions;
using Nfv.Ip.Headers;

namespace Nfv.Ip.Features;

/// <summary>
/// Where a packet is when an <see cref="IIpv4Feature"/> sees it: the router interface the feature is attached to,
/// and where the IPv4 header starts in the frame.
/// </summary>
/// <param name="Interface">The router's port (interface) index the hook runs for: ingress on input, egress on output.</param>
/// <param name="InterfaceAddress">The interface's primary address (a NAT's default external address).</param>
/// <param name="IpOffset">Offset of the IPv4 header in <see cref="Packet.Data"/> (14 on untagged Ethernet).</param>
/// <param name="NextHop">On output: the next hop the router chose (the destination itself when directly connected); on input, 0.0.0.0.</param>
/// <param name="Timestamp">
/// When the router took the batch, from the topology's clock (<see cref="TimeProvider.GetTimestamp"/> of the clock every function
/// is built with, <see cref="FunctionBuildContext.Time"/>): a feature's timers use it rather than reading the clock per packet.
/// </param>
public readonly record struct Ipv4HookContext(int Interface, Ipv4Address InterfaceAddress, int IpOffset, Ipv4Address NextHop, long Timestamp);
