using Nfv.Topology;

namespace Nfv.Lab.Tests;

/// <summary>
/// A host's cgroup over a fake hierarchy in a temporary folder, laid out as cgroup v2 mounts it and as v1 does (this
/// machine's): the limits land in the files each version reads, and removing the group leaves nothing behind.
/// </summary>
public sealed class HostCgroupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nfv-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Under_cgroup_v2_the_limits_go_to_one_group_with_the_controllers_enabled_above_it()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu memory pids");
        using (var cgroup = HostCgroup.Create("lab", "h1", new HostLimits(0.5, 64L << 20, 100), _root))
        {
            string group = Path.Combine(_root, "nfv", "lab", "h1");
            Assert.Equal("50000 100000", File.ReadAllText(Path.Combine(group, "cpu.max")));
            Assert.Equal("67108864", File.ReadAllText(Path.Combine(group, "memory.max")));
            Assert.Equal("100", File.ReadAllText(Path.Combine(group, "pids.max")));
            Assert.Equal("+cpu +memory +pids", File.ReadAllText(Path.Combine(_root, "nfv", "lab", "cgroup.subtree_control")));
            Assert.Equal([Path.Combine(group, "cgroup.procs")], cgroup.ProcessFiles);
            foreach (var file in Directory.GetFiles(group))
            {
                File.Delete(file); // a real cgroup's files go with it; the fake's must go first
            }
        }
        Assert.False(Directory.Exists(Path.Combine(_root, "nfv", "lab", "h1")));
    }

    [Fact]
    public void Under_cgroup_v1_each_limit_goes_to_its_controllers_hierarchy_and_only_those_are_joined()
    {
        foreach (var controller in new[] { "cpu", "memory", "pids" })
        {
            Directory.CreateDirectory(Path.Combine(_root, controller));
        }
        using var cgroup = HostCgroup.Create("lab", "h1", new HostLimits(1.5, null, 64), _root);

        Assert.Equal("150000", File.ReadAllText(Path.Combine(_root, "cpu", "nfv", "lab", "h1", "cpu.cfs_quota_us")));
        Assert.Equal("100000", File.ReadAllText(Path.Combine(_root, "cpu", "nfv", "lab", "h1", "cpu.cfs_period_us")));
        Assert.Equal("64", File.ReadAllText(Path.Combine(_root, "pids", "nfv", "lab", "h1", "pids.max")));
        Assert.False(Directory.Exists(Path.Combine(_root, "memory", "nfv")));
        Assert.Equal([Path.Combine(_root, "cpu", "nfv", "lab", "h1", "cgroup.procs"), Path.Combine(_root, "pids", "nfv", "lab", "h1", "cgroup.procs")],
            cgroup.ProcessFiles);
    }

    [Fact]
    public void A_machine_without_the_controller_says_so()
    {
        var error = Assert.Throws<LabException>(() => HostCgroup.Create("lab", "h1", new HostLimits(null, 64L << 20, null), _root));
        Assert.Contains("no v1 'memory' controller", error.Message);
    }
}
