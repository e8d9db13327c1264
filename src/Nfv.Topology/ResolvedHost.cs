using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;

namespace Nfv.Topology;

/// <summary>
/// A lab host: a network namespace named <see cref="Name"/> whose <c>eth0</c> is the TAP device of
/// an external port.
/// </summary>
/// <param name="Name">The host's name, which is also its network namespace's name.</param>
/// <param name="PortIndex">The index into <see cref="ResolvedTopology.Ports"/> of the port whose TAP the host gets.</param>
/// <param name="Address">The host's address and prefix length (<c>10.0.0.1/24</c>).</param>
/// <param name="Gateway">The host's default gateway, inside its subnet, or null for none.</param>
/// <param name="Span">Where the host is declared (its name).</param>
public sealed record ResolvedHost(string Name, int PortIndex, Ipv4Prefix Address, Ipv4Address? Gateway, SourceSpan Span);
