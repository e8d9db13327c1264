using System.CommandLine;
using System.Text;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary><c>nfv graph FILE [--format dot|mermaid]</c>: the topology as a diagram for docs.</summary>
internal static class GraphCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The topology file to draw." };
        var format = new Option<string>("--format")
        {
            Description = "dot (Graphviz: nfv graph lab.yaml | dot -Tsvg > lab.svg) or mermaid (for Markdown).",
            DefaultValueFactory = _ => "dot",
        };
        format.AcceptOnlyFromAmong("dot", "mermaid");
        var command = new Command("graph", "Prints a topology's functions, ports, links and hosts as Graphviz DOT or Mermaid.") { file, format };
        command.SetAction(parse =>
        {
            if (TopologyFile.Load(parse.GetValue(file)!, Console.Error) is not { } topology)
            {
                return 1;
            }
            Console.Out.Write(parse.GetValue(format) == "mermaid" ? Mermaid(topology) : Dot(topology));
            return 0;
        });
        return command;
    }

    /// <summary>Graphviz: functions are boxes, TAP ports ellipses, hosts notes; link ends carry port names.</summary>
    internal static string Dot(ResolvedTopology t)
    {
        var dot = new StringBuilder();
        dot.AppendLine($"graph \"{t.Name}\" {{");
        dot.AppendLine("  node [fontname=\"Helvetica\"];");
        foreach (var f in t.Functions)
        {
            dot.AppendLine($"  \"f:{f.Name}\" [label=\"{f.Name}\\n({f.Kind})\", shape=box, style=rounded];");
        }
        foreach (var p in t.Ports)
        {
            dot.AppendLine($"  \"p:{p.Name}\" [label=\"{p.Name}\\n{p.Describe()}\", shape=ellipse];");
        }
        foreach (var h in t.Hosts)
        {
            dot.AppendLine($"  \"h:{h.Name}\" [label=\"{h.Name}\\n{AddressLabel(h)}\", shape=note];");
            dot.AppendLine($"  \"h:{h.Name}\" -- \"p:{t.Ports[h.PortIndex].Name}\" [style=dashed, label=\"eth0\"];");
        }
        foreach (var link in t.Links)
        {
            dot.AppendLine($"  {Node(t, link.A)} -- {Node(t, link.B)} [taillabel=\"{PortLabel(t, link.A)}\", headlabel=\"{PortLabel(t, link.B)}\"];");
        }
        foreach (var (user, feature, kind) in Features(t))
        {
            dot.AppendLine($"  \"f:{user}\" -- \"f:{feature}\" [style=dotted, label=\"{kind}\"];");
        }
        foreach (var (node, members) in NodeMembers(t))
        {
            dot.AppendLine($"  subgraph \"cluster_{node.Name}\" {{ label=\"node {node.Name} ({node.Address})\"; style=dashed; {string.Join(" ", members.Select(m => $"\"{m}\";"))} }}");
        }
        dot.AppendLine("}");
        return dot.ToString();

        static string Node(ResolvedTopology t, LinkEndpoint e) =>
            e.Kind == EndpointKind.Function ? $"\"f:{t.Functions[e.Index].Name}\"" : $"\"p:{t.Ports[e.Index].Name}\"";
    }

    /// <summary>Mermaid flowchart, for a README.</summary>
    internal static string Mermaid(ResolvedTopology t)
    {
        var m = new StringBuilder();
        m.AppendLine("flowchart LR");
        foreach (var f in t.Functions)
        {
            m.AppendLine($"  f_{Id(f.Name)}[\"{f.Name} ({f.Kind})\"]");
        }
        foreach (var p in t.Ports)
        {
            m.AppendLine($"  p_{Id(p.Name)}([\"{p.Name}: {p.Describe()}\"])");
        }
        foreach (var h in t.Hosts)
        {
            m.AppendLine($"  h_{Id(h.Name)}>\"{h.Name} {AddressLabel(h)}\"] -.- p_{Id(t.Ports[h.PortIndex].Name)}");
        }
        foreach (var link in t.Links)
        {
            var label = string.Join(" – ", new[] { PortLabel(t, link.A), PortLabel(t, link.B) }.Where(l => l.Length > 0));
            m.AppendLine(label.Length == 0
                ? $"  {Node(t, link.A)} --- {Node(t, link.B)}"
                : $"  {Node(t, link.A)} ---|\"{label}\"| {Node(t, link.B)}");
        }
        foreach (var (user, feature, kind) in Features(t))
        {
            m.AppendLine($"  f_{Id(user)} -.-|\"{kind}\"| f_{Id(feature)}");
        }
        foreach (var (node, members) in NodeMembers(t))
        {
            m.AppendLine($"  subgraph node_{Id(node.Name)} [\"node {node.Name} ({node.Address})\"]");
            foreach (var member in members)
            {
                m.AppendLine($"    {member[0]}_{Id(member[2..])}");
            }
            m.AppendLine("  end");
        }
        return m.ToString();

        static string Node(ResolvedTopology t, LinkEndpoint e) =>
            e.Kind == EndpointKind.Function ? $"f_{Id(t.Functions[e.Index].Name)}" : $"p_{Id(t.Ports[e.Index].Name)}";
    }

    // In a topology split over machines, what runs on each node, as "f:NAME", "p:NAME", "h:NAME" (a host is where its port is).
    private static IEnumerable<(ResolvedNode Node, List<string> Members)> NodeMembers(ResolvedTopology t) =>
        t.Nodes.Select(node => (node, (List<string>)
        [
            .. t.Functions.Where(f => f.Node == node.Name).Select(f => $"f:{f.Name}"),
            .. t.Ports.Where(p => p.Node == node.Name).Select(p => $"p:{p.Name}"),
            .. t.Hosts.Where(h => t.Ports[h.PortIndex].Node == node.Name).Select(h => $"h:{h.Name}"),
        ]));

    // Features are not linked but named (a router interface's features: [masq]): a dotted line from the function that
    // names one, labelled with the feature's kind.
    private static IEnumerable<(string User, string Feature, string Kind)> Features(ResolvedTopology t) =>
        t.Functions.SelectMany(f => f.Blueprint.FeatureReferences.Select(r => (f.Name, r.Name, t.Functions.First(g => g.Name == r.Name).Kind)));

    // A function's end shows its port name; a TAP port's end shows nothing (the node says it all).
    private static string PortLabel(ResolvedTopology t, LinkEndpoint e) =>
        e.Kind == EndpointKind.Function ? t.Functions[e.Index].Blueprint.Ports[e.Port] : "";

    // A DHCP host has no address until it runs: show the client it will ask with.
    private static string AddressLabel(ResolvedHost h) => h.Dhcp is { } client
        ? string.Join(", ", new[] { $"dhcp ({DhcpClients.Name(client)})", h.Ipv6Addressing }.Where(s => s.Length > 0))
        : h.Addressing;

    private static string Id(string name) => name.Replace('-', '_');
}
