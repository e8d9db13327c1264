using Nfv.Ip;

namespace Nfv.Topology;

/// <summary>
/// One machine's part of a topology split over several (<c>nodes:</c>): the functions, ports and hosts on that node,
/// the links between them, and each link to another node carried by a VXLAN tunnel port, the same on both ends since
/// both read the same file.
/// </summary>
public static class TopologyNodes
{
    /// <summary>The VNI of the first cross-node link; the next ones count up from it, in file order.</summary>
    public const uint FirstVni = 10_000;

    /// <summary>
    /// The part of <paramref name="topology"/> that node <paramref name="node"/> runs. A cross-node link becomes a link
    /// from this node's end to a new port <c>link-N-OTHER</c> (N its place in the file), a tunnel to the other node with
    /// VNI <see cref="FirstVni"/> + K and UDP port 4789 + K, K being the link's place among the cross-node links.
    /// </summary>
    /// <exception cref="ArgumentException">The topology has no node of that name.</exception>
    public static ResolvedTopology PartFor(ResolvedTopology topology, string node)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(node);
        var self = topology.Nodes.FirstOrDefault(n => n.Name == node) ?? throw new ArgumentException(topology.Nodes.Count == 0
            ? $"topology '{topology.Name}' is not split over nodes; run it without --node"
            : $"topology '{topology.Name}' has no node '{node}'; its nodes are {string.Join(", ", topology.Nodes.Select(n => n.Name))}", nameof(node));

        var functions = new List<ResolvedFunction>();
        var functionIndex = new int[topology.Functions.Count];
        for (int i = 0; i < topology.Functions.Count; i++)
        {
            functionIndex[i] = topology.Functions[i].Node == node ? functions.Count : -1;
            if (functionIndex[i] >= 0)
            {
                functions.Add(topology.Functions[i]);
            }
        }
        var ports = new List<ResolvedExternalPort>();
        var portIndex = new int[topology.Ports.Count];
        for (int i = 0; i < topology.Ports.Count; i++)
        {
            portIndex[i] = topology.Ports[i].Node == node ? ports.Count : -1;
            if (portIndex[i] >= 0)
            {
                ports.Add(topology.Ports[i]);
            }
        }

        var links = new List<ResolvedLink>();
        int crossing = 0;
        for (int i = 0; i < topology.Links.Count; i++)
        {
            var link = topology.Links[i];
            string nodeA = NodeOf(topology, link.A), nodeB = NodeOf(topology, link.B);
            if (nodeA != nodeB)
            {
                int k = crossing++;
                if (nodeA != node && nodeB != node)
                {
                    continue;
                }
                var (here, there, otherNode) = nodeA == node ? (link.A, link.B, nodeB) : (link.B, link.A, nodeA);
                var other = topology.Nodes.First(n => n.Name == otherNode);
                string name = $"link-{i + 1}-{otherNode}";
                ports.Add(new ResolvedExternalPort(name, null, link.Span)
                {
                    Node = node,
                    Vxlan = new VxlanSettings([other.Address], FirstVni + (uint)k) { Local = self.Address, Port = (ushort)(VxlanSettings.DefaultPort + k) },
                });
                var tunnel = new LinkEndpoint(EndpointKind.ExternalPort, ports.Count - 1, 0, $"{name} (to {there.Display} on {otherNode})");
                links.Add(new ResolvedLink(Remap(here), tunnel, link.Span) { Capture = link.Capture });
            }
            else if (nodeA == node)
            {
                links.Add(new ResolvedLink(Remap(link.A), Remap(link.B), link.Span) { Capture = link.Capture });
            }
        }
        return topology with
        {
            Name = $"{topology.Name}-{node}",
            Functions = functions,
            Ports = ports,
            Links = links,
            Hosts = [.. topology.Hosts.Where(h => portIndex[h.PortIndex] >= 0).Select(h => h with { PortIndex = portIndex[h.PortIndex] })],
        };

        LinkEndpoint Remap(LinkEndpoint end) =>
            end with { Index = end.Kind == EndpointKind.Function ? functionIndex[end.Index] : portIndex[end.Index] };
    }

    private static string NodeOf(ResolvedTopology topology, LinkEndpoint end) =>
        (end.Kind == EndpointKind.Function ? topology.Functions[end.Index].Node : topology.Ports[end.Index].Node) ?? "";
}
