using Nfv.Host.Commands;
using Nfv.Runtime;
using Nfv.Topology;

namespace Nfv.Host.Tests;

/// <summary><c>nfv doctor</c>: what a topology needs from the machine, judged against a machine described in memory.</summary>
public class DoctorCommandTests
{
    private sealed class Machine(string[] programs, string[] interfaces) : IMachineProbe
    {
        public bool InterfaceExists(string name) => interfaces.Contains(name);
        public bool NamespaceExists(string name) => false;
        public bool ProgramExists(string name) => programs.Contains(name);
    }

    private static ResolvedTopology Lab(string hosts) => TopologyLoader.LoadFromText($$"""
        functions: { lan: { kind: switch } }
        ports: { p1: { tap: nfv-p1 }, p2: { tap: nfv-p2 } }
        links: [ [p1, lan], [p2, lan] ]
        hosts:
        {{hosts}}
        """, "lab.yaml", FunctionDiscovery.Installed()).Topology!;

    private static readonly DoctorMachine Fine = new(IsRoot: true, HasTun: true, HasLibpcap: true);

    private static string[] Lines(IReadOnlyList<DoctorFinding> findings) =>
        [.. findings.Select(f => $"{f.Status} {f.What}: {f.NeededFor} [{f.Package}]")];

    [Fact]
    public void Auto_hosts_on_a_machine_with_udhcpc_use_it_and_list_the_others_as_optional()
    {
        var topology = Lab("  h1: { port: p1, address: dhcp }\n  h2: { port: p2, address: 10.0.0.2/24 }");

        var findings = DoctorCommand.Examine(topology, new Machine(["ip", "udhcpc"], []), Fine);

        Assert.Equal([
            "Ok root: creating TAP devices and network namespaces (CAP_NET_ADMIN) []",
            "Ok /dev/net/tun: TAP devices (the kernel's tun module) []",
            "Ok ip: setting up ports and lab hosts [iproute2]",
            "Optional dhclient: host h1 would use it first if installed (dhcp-client: auto) [isc-dhcp-client]",
            "Ok udhcpc: host h1 use it (dhcp-client: auto) [udhcpc]",
            "Optional dhcpcd: host h1 would use it first if installed (dhcp-client: auto) [dhcpcd-base]",
            "Ok libpcap: nfv replay (reading pcap files) [libpcap0.8]"], Lines(findings));
        Assert.StartsWith("ready: nfv run lab.yaml has all it needs (2 optional missing)", DoctorCommand.Report("lab.yaml", topology, findings).Split('\n')[^2]);
    }

    [Fact]
    public void Missing_root_iproute2_and_a_named_client_make_it_not_ready_with_the_packages_to_install()
    {
        var topology = Lab("  h1: { port: p1, address: dhcp, dhcp-client: dhcpcd }\n  h2: { port: p2, address: dhcp, dhcp-client: builtin }");

        var findings = DoctorCommand.Examine(topology, new Machine([], ["nfv-p2"]), new DoctorMachine(false, false, false));
        var report = DoctorCommand.Report("lab.yaml", topology, findings);

        Assert.Equal([
            "Missing root: creating TAP devices and network namespaces (CAP_NET_ADMIN) []",
            "Missing /dev/net/tun: TAP devices (the kernel's tun module) []",
            "Missing ip: setting up ports and lab hosts [iproute2]",
            "Missing dhcpcd: host h1 (dhcp-client: dhcpcd) [dhcpcd-base]",
            "Ok builtin: host h2: nfv's own DHCP client (dhcp-client: builtin) []",
            "Conflict interface 'nfv-p2' already exists on this machine: lab.yaml(2,31) []",
            "Optional libpcap: nfv replay (reading pcap files) [libpcap0.8]"], Lines(findings));
        Assert.Contains("not ready: 4 requirements missing, 1 name already taken\n", report);
        Assert.EndsWith("install with: apt-get install iproute2 dhcpcd-base\n", report);
    }

    private sealed class VmMachine(params string[] files) : IMachineProbe
    {
        public bool InterfaceExists(string name) => false;
        public bool NamespaceExists(string name) => false;
        public bool ProgramExists(string name) => name == "ip";
        public bool FileExists(string path) => files.Contains(path);
    }

    [Fact]
    public void Vm_hosts_need_qemu_and_the_ready_image_and_say_whether_they_run_emulated()
    {
        var topology = TopologyLoader.LoadFromText("""
            functions: { lan: { kind: switch } }
            ports: { p1: { socket: /run/nfv/a.sock }, p2: { socket: /run/nfv/b.sock } }
            links: [ [p1, lan], [p2, lan] ]
            hosts:
              a: { port: p1, address: dhcp, vm: {} }
              b: { port: p2, address: dhcp, vm: {} }
            """, "lab.yaml", FunctionDiscovery.Installed()).Topology!;

        var findings = DoctorCommand.Examine(topology, new VmMachine("/var/lib/nfv/vm-image/vmlinuz"), Fine);

        Assert.Equal([
            "Ok root: creating TAP devices and network namespaces (CAP_NET_ADMIN) []",
            "Ok /dev/net/tun: TAP devices (the kernel's tun module) []",
            "Ok ip: setting up ports and lab hosts [iproute2]",
            "Missing qemu-system-x86_64: VM hosts a, b [qemu-system-x86]",
            "Ok /var/lib/nfv/vm-image/vmlinuz: the ready VM image (build it: sudo deploy/vm/build-image.sh) []",
            "Missing /var/lib/nfv/vm-image/initrd.gz: the ready VM image (build it: sudo deploy/vm/build-image.sh) []",
            "Optional kvm: VM hosts a, b are emulated (TCG): /dev/kvm with vmx or svm in the CPU would run them several times faster []",
            "Ok libpcap: nfv replay (reading pcap files) [libpcap0.8]"], Lines(findings)); // no DHCP client: the guests run their own
    }
}
