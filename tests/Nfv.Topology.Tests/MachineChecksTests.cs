namespace Nfv.Topology.Tests;

public class MachineChecksTests
{
    private sealed class FakeProbe(string[] interfaces, string[] namespaces) : IMachineProbe
    {
        public bool InterfaceExists(string name) => interfaces.Contains(name);

        public bool NamespaceExists(string name) => namespaces.Contains(name);
    }

    [Fact]
    public void Clean_machine_passes()
    {
        var topology = Fixture.Load("valid-lab.yaml").Topology!;

        Assert.Empty(MachineChecks.Check(topology, new FakeProbe([], [])));
    }

    [Fact]
    public void Existing_interfaces_and_namespaces_are_reported_at_their_declarations()
    {
        var topology = Fixture.Load("valid-lab.yaml").Topology!;

        var diagnostics = MachineChecks.Check(topology, new FakeProbe(["nfv-lan2", "eth0"], ["h1", "other"]));

        Assert.Equal(
            ["Fixtures/valid-lab.yaml(13,3): error NFV0301: interface 'nfv-lan2' already exists on this machine",
             "Fixtures/valid-lab.yaml(22,3): error NFV0301: a network namespace named 'h1' already exists"],
            diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Linux_probe_reads_the_given_folders()
    {
        var root = Directory.CreateTempSubdirectory("nfv-probe-");
        try
        {
            var net = root.CreateSubdirectory("net");
            var run = root.CreateSubdirectory("run");
            var varRun = root.CreateSubdirectory("varrun");
            net.CreateSubdirectory("nfv-lan1");
            File.WriteAllText(Path.Combine(varRun.FullName, "h1"), "");
            File.WriteAllText(Path.Combine(root.FullName, "secret"), "");
            var probe = new LinuxMachineProbe(net.FullName, run.FullName, varRun.FullName);

            Assert.True(probe.InterfaceExists("nfv-lan1"));
            Assert.False(probe.InterfaceExists("nfv-lan2"));
            Assert.True(probe.NamespaceExists("h1"));
            Assert.False(probe.NamespaceExists("h2"));
            Assert.False(probe.InterfaceExists("../secret"));
            Assert.False(probe.NamespaceExists(".."));
            Assert.False(probe.InterfaceExists(""));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Linux_probe_sees_loopback_when_sysfs_is_there()
    {
        if (!Directory.Exists("/sys/class/net/lo"))
        {
            return; // not Linux, or no sysfs: nothing to compare with
        }
        Assert.True(new LinuxMachineProbe().InterfaceExists("lo"));
    }
}
