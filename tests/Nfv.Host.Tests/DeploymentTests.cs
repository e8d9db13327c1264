using Nfv.Runtime;
using Nfv.Topology;
using YamlDotNet.RepresentationModel;

namespace Nfv.Host.Tests;

/// <summary>
/// deploy/k8s and deploy/Dockerfile, checked where no cluster or registry is reachable: every manifest is a Kubernetes
/// object, the pieces name each other (ConfigMap, attachment, ports, probes), the probes ask routes the management API
/// serves, and the topology the ConfigMap carries is one nfv accepts.
/// </summary>
public class DeploymentTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "deploy");

    private static List<YamlMappingNode> Manifests()
    {
        var documents = new List<YamlMappingNode>();
        foreach (var file in Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            foreach (var document in stream.Documents)
            {
                var root = Assert.IsType<YamlMappingNode>(document.RootNode);
                foreach (var key in (string[])["apiVersion", "kind", "metadata"])
                {
                    Assert.True(root.Children.ContainsKey(key), $"{Path.GetFileName(file)}: no '{key}'");
                }
                Assert.False(string.IsNullOrEmpty(Text(root, "metadata", "name")), $"{Path.GetFileName(file)}: no metadata.name");
                documents.Add(root);
            }
        }
        return documents;
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out var next))
            {
                return null;
            }
            node = next;
        }
        return node;
    }

    private static string? Text(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static YamlMappingNode Of(List<YamlMappingNode> manifests, string kind) =>
        Assert.Single(manifests, m => Text(m, "kind") == kind);

    [Fact]
    public void The_manifests_are_kubernetes_objects_that_name_each_other()
    {
        var manifests = Manifests();
        Assert.Equal(["ConfigMap", "Deployment", "NetworkAttachmentDefinition", "Service"], manifests.Select(m => Text(m, "kind")).Order(StringComparer.Ordinal));
        var deployment = Of(manifests, "Deployment");
        var pod = At(deployment, "spec", "template")!;
        var container = Assert.IsType<YamlMappingNode>(Assert.Single(((YamlSequenceNode)At(pod, "spec", "containers")!).Children));

        // The pod's TAP comes from the attachment, by name.
        Assert.Contains($"\"name\": \"{Text(Of(manifests, "NetworkAttachmentDefinition"), "metadata", "name")}\"", Text(pod, "metadata", "annotations", "k8s.v1.cni.cncf.io/networks"));
        // The topology comes from the ConfigMap, mounted where the arguments look for it.
        var volumes = ((YamlSequenceNode)At(pod, "spec", "volumes")!).Children.Cast<YamlMappingNode>();
        var topology = Assert.Single(volumes, v => Text(v, "configMap", "name") == Text(Of(manifests, "ConfigMap"), "metadata", "name"));
        var mount = Assert.Single(((YamlSequenceNode)At(container, "volumeMounts")!).Children.Cast<YamlMappingNode>(), m => Text(m, "name") == Text(topology, "name"));
        var arguments = ((YamlSequenceNode)At(container, "args")!).Children.Select(a => ((YamlScalarNode)a).Value).ToList();
        Assert.Equal($"{Text(mount, "mountPath")}/topology.yaml", arguments[1]);
        // Only CAP_NET_ADMIN, as a non-root user.
        Assert.Equal(["ALL"], ((YamlSequenceNode)At(container, "securityContext", "capabilities", "drop")!).Children.Select(c => c.ToString()));
        Assert.Equal(["NET_ADMIN"], ((YamlSequenceNode)At(container, "securityContext", "capabilities", "add")!).Children.Select(c => c.ToString()));
        Assert.Equal("true", Text(pod, "spec", "securityContext", "runAsNonRoot"));

        // The probes ask routes the management API maps, on the port the arguments make it listen on.
        string api = File.ReadAllText(Path.Combine(Repository.Root, "src", "Nfv.Management", "ManagementApi.cs"));
        foreach (var probe in (string[])["readinessProbe", "livenessProbe"])
        {
            Assert.Contains($"app.MapGet(\"{Text(container, probe, "httpGet", "path")}\"", api);
            Assert.Equal("management", Text(container, probe, "httpGet", "port"));
        }
        var management = ((YamlSequenceNode)At(container, "ports")!).Children.Cast<YamlMappingNode>().Single(p => Text(p, "name") == "management");
        Assert.Contains($"--Nfv:Management:Address=0.0.0.0:{Text(management, "containerPort")}", arguments);
        Assert.Equal(Text(management, "containerPort"), Text(pod, "metadata", "annotations", "prometheus.io/port"));
    }

    [Fact]
    public void The_topology_in_the_config_map_is_valid_and_the_image_runs_it_by_default()
    {
        string yaml = Text(Of(Manifests(), "ConfigMap"), "data", "topology.yaml")!;
        var result = TopologyLoader.LoadFromText(yaml, "topology.yaml", FunctionDiscovery.Installed());
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Topology!.Ports, p => p.Vxlan is not null);

        string dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        Assert.Contains("CMD [\"run\", \"/etc/nfv/topology.yaml\", \"--Nfv:Management:Address=0.0.0.0:9470\"", dockerfile);
        Assert.Contains("USER 10001", dockerfile); // the image itself: ImageTests (integration)
    }
}
