using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>An external port: where frames enter and leave the topology. Only TAP devices so far.</summary>
/// <param name="Name">The port's name in the file.</param>
/// <param name="TapName">The Linux interface name of the TAP device (1 to 15 characters).</param>
/// <param name="Span">Where the port is declared (its name).</param>
public sealed record ResolvedExternalPort(string Name, string TapName, SourceSpan Span);
