using Microsoft.Extensions.Logging;
using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Host;

/// <summary>Compiles a resolved topology and its external ports into a runnable <see cref="PacketGraph"/>.</summary>
internal static class TopologyRuntime
{
    /// <summary>Builds every function and wires it to <paramref name="ports"/> (one per topology port, by index).</summary>
    /// <param name="captures">The links' captures (<c>capture:</c>); null to capture nothing.</param>
    public static PacketGraph Compile(ResolvedTopology topology, IReadOnlyList<IFramePort> ports, NfvOptions options,
        TimeProvider time, ILoggerFactory loggers, LinkCaptures? captures = null)
    {
        var builder = new GraphBuilder();
        for (int i = 0; i < topology.Functions.Count; i++)
        {
            var function = topology.Functions[i];
            var blueprint = function.Blueprint;
            var running = blueprint.Build(new FunctionBuildContext(function.Name, topology.GetConnectedPorts(i), time, loggers));
            builder.AddFunction(function.Name, running, blueprint.Ports.Count, blueprint.DropReasons, blueprint.Ports);
        }
        foreach (var port in ports)
        {
            builder.AddPort(port);
        }
        foreach (var link in topology.Links)
        {
            builder.Link(ToGraph(link.A), ToGraph(link.B), captures?.For(link));
        }
        var pool = new PacketPool(options.PacketPoolSize);
        return builder.Build(pool, new GraphOptions { ReceiveBatchSize = options.ReceiveBatchSize, MaxHops = options.MaxHops });
    }

    /// <summary>The graph endpoint of a link end: the same indices, compiled.</summary>
    internal static GraphEndpoint ToGraph(LinkEndpoint endpoint) => endpoint.Kind == EndpointKind.Function
        ? GraphEndpoint.Function(endpoint.Index, endpoint.Port)
        : GraphEndpoint.External(endpoint.Index);
}
