using YamlDotNet.RepresentationModel;

namespace Nfv.IntegrationTests;

/// <summary>
/// Issue 12, proof 5 (its image half): deploy/Dockerfile builds, and in the image nfv runs as the non-root user with
/// only the capability it needs, and accepts the topology of deploy/k8s's ConfigMap. No container registry is reachable
/// here, so the base is a Debian made with debootstrap from the Debian mirror; and this machine's container runtime may
/// not start containers (cgroups, rlimits), so the image's filesystem is run with chroot, as its user.
/// </summary>
public class ImageTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    [PrivilegedFact(Needs = "podman debootstrap unshare chroot")]
    public async Task The_dockerfile_builds_an_image_whose_nfv_runs_as_its_user_with_cap_net_admin_only()
    {
        await using var lab = new Lab();
        string context = Directory.CreateDirectory(Path.Combine(lab.Directory, "context")).FullName;
        string rootfs = Path.Combine(lab.Directory, "rootfs"), image = Path.Combine(lab.Directory, "image");
        string baseTag = $"localhost/nfv-base:{lab.Prefix}", tag = $"localhost/nfv:{lab.Prefix}";
        try
        {
            File.Copy(Path.Combine(Repository.Root, "deploy", "Dockerfile"), Path.Combine(context, "Dockerfile"));
            await Run("dotnet", "publish", Path.Combine(Repository.Root, "src", "Nfv.Host"), "-c", "Release", "-r", "linux-x64", "--self-contained",
                "-o", Path.Combine(context, "publish"));
            await Debootstrap(rootfs);
            await Run("sh", "-c", $"tar -C '{rootfs}' -c . | podman import - {baseTag}");
            await Run("podman", "build", "--isolation", "chroot", "--network", "host", "--build-arg", $"BASE={baseTag}", "-t", tag, context);

            var config = await Run("podman", "image", "inspect", "--format", "{{.Config.User}} {{.Config.Entrypoint}} {{.Config.Cmd}}", tag);
            Assert.Equal("10001 [/app/nfv] [run /etc/nfv/topology.yaml --Nfv:Management:Address=0.0.0.0:9470 --Nfv:StateDirectory=/tmp/nfv]", config.Trim());

            // The image's filesystem, capabilities kept, run as its user.
            Directory.CreateDirectory(image);
            await Run("sh", "-c", $"cid=$(podman create {tag}) && podman export $cid | tar --xattrs --xattrs-include='*' -C '{image}' -x; podman rm $cid >/dev/null");
            Assert.Equal("/app/nfv cap_net_admin=ep", (await Run("chroot", image, "/usr/sbin/getcap", "/app/nfv")).Trim());
            var topology = Directory.CreateDirectory(Path.Combine(image, "etc", "nfv")).FullName;
            File.WriteAllText(Path.Combine(topology, "topology.yaml"), ConfigMapTopology());
            string asUser = $"mount -t proc proc '{image}/proc' && chroot --userspec=10001:10001 '{image}'";
            Assert.StartsWith("1.0.0", (await Run("unshare", "-m", "--propagation", "private", "sh", "-c", $"{asUser} /app/nfv --version")).Trim(), StringComparison.Ordinal);
            var validate = await Run("unshare", "-m", "--propagation", "private", "sh", "-c", $"{asUser} /app/nfv validate /etc/nfv/topology.yaml 2>&1");
            Assert.Contains("topology 'k8s-switch' is valid", validate, StringComparison.Ordinal);
        }
        finally
        {
            await Shell.RunAsync("podman", ["rmi", "-f", tag, baseTag], Slow);
        }
    }

    // A minimal Debian with what the Dockerfile would otherwise install; the mirror is tried three times.
    private static async Task Debootstrap(string rootfs)
    {
        CommandResult? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (Directory.Exists(rootfs))
            {
                Directory.Delete(rootfs, recursive: true);
            }
            last = await Shell.RunAsync("debootstrap", ["--variant=minbase", "--include=iproute2,libcap2-bin", "bookworm", rootfs, "http://deb.debian.org/debian"], Slow);
            if (last.ExitCode == 0)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
        Assert.Fail($"debootstrap could not make a Debian from the mirror: {last}");
    }

    private static string ConfigMapTopology()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "k8s", "configmap.yaml"))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return ((YamlScalarNode)((YamlMappingNode)root.Children["data"]).Children["topology.yaml"]).Value!;
    }

    private static async Task<string> Run(string program, params string[] arguments)
    {
        var result = await Shell.RunAsync(program, arguments, Slow);
        Assert.True(result.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {result}");
        return result.StandardOutput;
    }
}
