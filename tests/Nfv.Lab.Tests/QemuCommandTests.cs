using System.Text;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Lab.Vm;
using Nfv.Topology;

namespace Nfv.Lab.Tests;

/// <summary>
/// The QEMU command line of a VM host: its NIC on the two sockets with the host's MAC, its size, its console, and the
/// host's settings on the kernel command line in the form the ready image's init reads back.
/// </summary>
public class QemuCommandTests
{
    private static ResolvedHost Host(VmSettings vm) =>
        new("vm1", 0, null, null, new SourceSpan("lab.yaml", 6, 3), DhcpClientKind.Auto) { Mac = MacAddress.Parse("02:00:00:00:00:07"), Vm = vm };

    private static string After(IReadOnlyList<string> arguments, string option) => arguments[arguments.ToList().IndexOf(option) + 1];

    [Fact]
    public void The_nic_sends_to_the_ports_socket_from_its_own_with_the_hosts_mac()
    {
        var arguments = QemuCommand.Arguments(Host(new VmSettings { MemoryBytes = 128L << 20, Cpus = 2 }),
            "/run/nfv/vm1.sock", "/run/nfv/vm1.guest.sock", "/var/lib/nfv/lab/vm1.qemu.pid", VmAccelerator.Tcg);

        Assert.Equal("dgram,id=net0,local.type=unix,local.path=/run/nfv/vm1.guest.sock,remote.type=unix,remote.path=/run/nfv/vm1.sock", After(arguments, "-netdev"));
        Assert.Equal("virtio-net-pci,netdev=net0,mac=02:00:00:00:00:07,romfile=", After(arguments, "-device"));
        Assert.Equal(("tcg", "128M", "2", "stdio"), (After(arguments, "-accel"), After(arguments, "-m"), After(arguments, "-smp"), After(arguments, "-serial")));
        Assert.Equal("/var/lib/nfv/vm-image/vmlinuz", After(arguments, "-kernel"));
        Assert.Equal("/var/lib/nfv/vm-image/initrd.gz", After(arguments, "-initrd"));
        Assert.Contains("-no-reboot", arguments);
        Assert.DoesNotContain("-drive", arguments);
    }

    [Fact]
    public void A_disk_is_attached_as_a_throwaway_overlay_and_boots_without_a_kernel()
    {
        var arguments = QemuCommand.Arguments(Host(new VmSettings { Disk = "/images/a,b.qcow2" }), "/p.sock", "/g.sock", "/x.pid", VmAccelerator.Kvm);

        Assert.Equal("file=/images/a,,b.qcow2,if=virtio,snapshot=on", After(arguments, "-drive")); // a comma in a value is doubled
        Assert.DoesNotContain("-kernel", arguments);
        Assert.Equal(("kvm", "host"), (After(arguments, "-accel"), After(arguments, "-cpu")));
    }

    [Fact]
    public void The_kernel_command_line_carries_addresses_gateways_and_commands_the_image_decodes()
    {
        var host = new ResolvedHost("vm1", 0, Ipv4Prefix.Parse("10.0.0.5/24"), Ipv4Address.Parse("10.0.0.1"), default)
        {
            Ipv6Addresses = [Ipv6Prefix.Parse("2001:db8::5/64")],
            Exec = ["ping -c 3 10.0.0.1", "echo 'a,b' > /tmp/x"],
            Vm = new VmSettings { Append = "loglevel=7" },
        };
        var words = QemuCommand.KernelCommandLine(host).Split(' ');

        Assert.Equal(["console=ttyS0", "quiet", "panic=-1", "nfv.host=vm1"], words[..4]);
        Assert.Contains("nfv.address=10.0.0.5/24,2001:db8::5/64", words);
        Assert.Contains("nfv.gateway=10.0.0.1", words);
        Assert.Equal("loglevel=7", words[^1]);
        // As the image's init reads it: the value split at commas, each part base64.
        var exec = words.Single(w => w.StartsWith("nfv.exec=", StringComparison.Ordinal))["nfv.exec=".Length..].Split(',');
        Assert.Equal(["ping -c 3 10.0.0.1", "echo 'a,b' > /tmp/x"], exec.Select(e => Encoding.UTF8.GetString(Convert.FromBase64String(e))));
    }

    [Fact]
    public void Kvm_is_chosen_only_when_the_device_opens_and_the_cpu_has_virtualisation_extensions()
    {
        var directory = Directory.CreateTempSubdirectory("nfv-kvm-").FullName;
        try
        {
            string kvm = Path.Combine(directory, "kvm"), cpu = Path.Combine(directory, "cpuinfo");
            File.WriteAllText(kvm, "");
            File.WriteAllText(cpu, "processor\t: 0\nflags\t\t: fpu vme hypervisor\n");
            Assert.Equal(VmAccelerator.Tcg, QemuCommand.ChooseAccelerator(cpu, kvm)); // a device, but no extensions (nested, unsupported)
            File.WriteAllText(cpu, "processor\t: 0\nflags\t\t: fpu vme vmx hypervisor\n");
            Assert.Equal(VmAccelerator.Kvm, QemuCommand.ChooseAccelerator(cpu, kvm));
            Assert.Equal(VmAccelerator.Tcg, QemuCommand.ChooseAccelerator(cpu, Path.Combine(directory, "none"))); // no device
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
