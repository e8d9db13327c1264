using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Abstractions.Ip;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Host;

/// <summary>Compiles a resolved topology and its external ports into a runnable <see cref="PacketGraph"/>.</summary>
internal static class TopologyRuntime
{
    /// <summary>Builds every function and wires it to <paramref name="ports"/> (one per topology port, by index).</summary>
    /// <param name="captures">The links' captures (<c>capture:</c>); null to capture nothing.</param>
    /// <param name="stateDirectory">Where functions keep state across restarts (DHCP leases); null keeps it in memory.</param>
    /// <param name="pool">The packets to run on, all free; null for a new pool of <see cref="NfvOptions.PacketPoolSize"/>.
    /// The fuzzer compiles a graph per input and keeps one pool (making 64 KB buffers each time would be most of its work).</param>
    public static PacketGraph Compile(ResolvedTopology topology, IReadOnlyList<IFramePort> ports, NfvOptions options,
        TimeProvider time, ILoggerFactory loggers, LinkCaptures? captures = null, string? stateDirectory = null, PacketPool? pool = null)
    {
        // Features (a NAT) first: the functions that name them (a router interface's nat: NAME) get them at build time.
        // Every function, features included, becomes a graph node in topology order (a feature has no ports; the graph
        // runs its timer and the host inspects it like any function's).
        var running = new INetworkFunction[topology.Functions.Count];
        var features = new Dictionary<string, IIpv4Feature>(StringComparer.Ordinal);
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < topology.Functions.Count; i++)
            {
                var function = topology.Functions[i];
                if ((function.Blueprint is FeatureBlueprint) != (pass == 0))
                {
                    continue;
                }
                running[i] = function.Blueprint.Build(new FunctionBuildContext(function.Name, topology.GetConnectedPorts(i), time, loggers, features)
                {
                    StateDirectory = stateDirectory,
                });
                if (pass == 0)
                {
                    features.Add(function.Name, running[i] as IIpv4Feature
                        ?? throw new InvalidOperationException($"Function '{function.Name}' has a feature blueprint but is not an IIpv4Feature."));
                }
            }
        }
        var builder = new GraphBuilder();
        for (int i = 0; i < topology.Functions.Count; i++)
        {
            var blueprint = topology.Functions[i].Blueprint;
            builder.AddFunction(topology.Functions[i].Name, running[i], blueprint.Ports.Count, blueprint.DropReasons, blueprint.Ports);
        }
        foreach (var port in ports)
        {
            builder.AddPort(port);
        }
        foreach (var link in topology.Links)
        {
            builder.Link(ToGraph(link.A), ToGraph(link.B), captures?.For(link));
        }
        return builder.Build(pool ?? new PacketPool(options.PacketPoolSize, memory: PacketMemory.Resident), new GraphOptions { ReceiveBatchSize = options.ReceiveBatchSize, MaxHops = options.MaxHops });
    }

    /// <summary>The graph endpoint of a link end: the same indices, compiled.</summary>
    internal static GraphEndpoint ToGraph(LinkEndpoint endpoint) => endpoint.Kind == EndpointKind.Function
        ? GraphEndpoint.Function(endpoint.Index, endpoint.Port)
        : GraphEndpoint.External(endpoint.Index);
}
