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

    private sealed class NoProgramsProbe(params string[] installed) : IMachineProbe // only the programs named are installed
    {
        public bool InterfaceExists(string name) => false;

        public bool NamespaceExists(string name) => false;

        public bool ProgramExists(string name) => installed.Contains(name);
    }

    [Fact]
    public void A_dhcp_client_that_is_not_installed_is_reported_at_its_host_with_the_package_to_install()
    {
        var topology = Fixture.Text("""
            ports:
              p1: { tap: nfv-p1 }
              p2: { tap: nfv-p2 }
              p3: { tap: nfv-p3 }
            links: [ [p1, p2] ]
            hosts:
              a: { port: p1, address: dhcp, dhcp-client: dhclient }
              b: { port: p2, address: dhcp, dhcp-client: dhcpcd }
              c: { port: p3, address: 10.0.0.3/24 }
            """).Topology!;

        Assert.Equal(
            ["lab.yaml(7,3): error NFV0302: host 'a' needs the DHCP client dhclient, which is not installed (Debian package isc-dhcp-client; " +
             "or leave 'dhcp-client' out to use the first client installed, or nfv's built-in one)"],
            MachineChecks.Check(topology, new NoProgramsProbe("dhcpcd")).Select(d => d.ToString()));
        Assert.Empty(MachineChecks.Check(topology, new NoProgramsProbe("dhcpcd", "dhclient")));
    }

    [Fact]
    public void A_host_that_names_no_client_or_the_builtin_one_needs_nothing_installed()
    {
        var topology = Fixture.Text("""
            ports:
              p1: { tap: nfv-p1 }
              p2: { tap: nfv-p2 }
            links: [ [p1, p2] ]
            hosts:
              a: { port: p1, address: dhcp }
              b: { port: p2, address: dhcp, dhcp-client: builtin }
            """).Topology!;

        Assert.Empty(MachineChecks.Check(topology, new NoProgramsProbe()));
    }

    [Theory]
    [InlineData(new[] { "dhclient", "udhcpc", "dhcpcd", "busybox" }, DhcpClientKind.Dhclient)]
    [InlineData(new[] { "udhcpc", "dhcpcd" }, DhcpClientKind.Udhcpc)]
    [InlineData(new[] { "dhcpcd", "busybox" }, DhcpClientKind.Udhcpc)]
    [InlineData(new[] { "dhcpcd" }, DhcpClientKind.Dhcpcd)]
    [InlineData(new string[0], DhcpClientKind.Builtin)]
    public void Auto_picks_the_first_client_installed_and_falls_back_to_the_builtin_one(string[] installed, DhcpClientKind expected)
    {
        var probe = new NoProgramsProbe(installed);

        Assert.Equal(expected, DhcpClients.Choose(DhcpClientKind.Auto, probe));
        Assert.Equal(DhcpClientKind.Dhcpcd, DhcpClients.Choose(DhcpClientKind.Dhcpcd, probe)); // a named client stays as named
    }

    [Fact]
    public void Udhcpc_runs_from_busybox_when_only_busybox_is_installed()
    {
        Assert.Equal(["busybox", "udhcpc"], DhcpClients.Program(DhcpClientKind.Udhcpc, new NoProgramsProbe("busybox"))!);
        Assert.Equal(["udhcpc"], DhcpClients.Program(DhcpClientKind.Udhcpc, new NoProgramsProbe("udhcpc", "busybox"))!);
        Assert.Null(DhcpClients.Program(DhcpClientKind.Udhcpc, new NoProgramsProbe("dhclient")));
        Assert.Null(DhcpClients.Program(DhcpClientKind.Builtin, new NoProgramsProbe()));
    }

    [Fact]
    public void Nfv_program_path_replaces_path_and_the_usual_folders()
    {
        Assert.Equal(["/opt/a", "/opt/b"], LinuxMachineProbe.ProgramDirectoriesFrom("/opt/a::/opt/b", "/usr/local/bin"));
        Assert.Equal(["/usr/local/bin", "/usr/bin", "/usr/sbin", "/sbin", "/bin"], LinuxMachineProbe.ProgramDirectoriesFrom(null, "/usr/local/bin:/usr/bin"));
    }

    [Fact]
    public void Linux_probe_finds_executables_only_in_its_program_folders()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no execute bits to test
        }
        var root = Directory.CreateTempSubdirectory("nfv-probe-");
        try
        {
            var bin = root.CreateSubdirectory("bin");
            File.WriteAllText(Path.Combine(bin.FullName, "udhcpc"), "");
            File.SetUnixFileMode(Path.Combine(bin.FullName, "udhcpc"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(bin.FullName, "dhcpcd"), ""); // not executable
            File.WriteAllText(Path.Combine(root.FullName, "dhclient"), "");
            var probe = new LinuxMachineProbe(root.FullName) { ProgramDirectories = [bin.FullName] };

            Assert.True(probe.ProgramExists("udhcpc"));
            Assert.False(probe.ProgramExists("dhcpcd"));
            Assert.False(probe.ProgramExists("dhclient"));
            Assert.False(probe.ProgramExists("../dhclient"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Linux_probe_always_searches_the_sbin_folders()
    {
        Assert.Contains("/usr/sbin", LinuxMachineProbe.DefaultProgramDirectories);
        Assert.Contains("/sbin", LinuxMachineProbe.DefaultProgramDirectories);
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

    private sealed class VmProbe(bool qemu, params string[] files) : IMachineProbe
    {
        public bool InterfaceExists(string name) => false;

        public bool NamespaceExists(string name) => true; // a VM host has no namespace: never reported

        public bool ProgramExists(string name) => qemu && name == MachineChecks.Qemu;

        public bool FileExists(string path) => files.Contains(path);
    }

    [Fact]
    public void A_vm_host_needs_qemu_and_its_boot_files_and_says_how_to_build_the_ready_image()
    {
        var topology = Fixture.Text("""
            ports:
              p1: { socket: /run/nfv/a.sock }
              p2: { socket: /run/nfv/b.sock }
            links: [ [p1, p2] ]
            hosts:
              a: { port: p1, address: dhcp, vm: {} }
              b: { port: p2, address: dhcp, vm: { image: /images/b.qcow2 } }
            """).Topology!;

        Assert.Equal(
            ["lab.yaml(6,3): error NFV0302: host 'a' is a VM and needs qemu-system-x86_64, which is not installed (Debian package qemu-system-x86)",
             "lab.yaml(6,3): error NFV0303: host 'a' boots nfv's ready VM image, which is not built yet (/var/lib/nfv/vm-image/vmlinuz is missing): run 'sudo deploy/vm/build-image.sh', or give the vm a 'kernel' or 'image' of its own",
             "lab.yaml(6,3): error NFV0303: host 'a' boots nfv's ready VM image, which is not built yet (/var/lib/nfv/vm-image/initrd.gz is missing): run 'sudo deploy/vm/build-image.sh', or give the vm a 'kernel' or 'image' of its own",
             "lab.yaml(7,3): error NFV0302: host 'b' is a VM and needs qemu-system-x86_64, which is not installed (Debian package qemu-system-x86)",
             "lab.yaml(7,3): error NFV0303: host 'b' boots from /images/b.qcow2, which does not exist"],
            MachineChecks.Check(topology, new VmProbe(qemu: false)).Select(d => d.ToString()));
        Assert.Empty(MachineChecks.Check(topology,
            new VmProbe(qemu: true, "/var/lib/nfv/vm-image/vmlinuz", "/var/lib/nfv/vm-image/initrd.gz", "/images/b.qcow2")));
    }
}
