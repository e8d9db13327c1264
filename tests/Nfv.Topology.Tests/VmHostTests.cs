namespace Nfv.Topology.Tests;

/// <summary>
/// Socket ports (<c>socket:</c>) and VM lab hosts (<c>vm:</c>): what is read, and every way of getting them wrong
/// refused at the place in the file with what to write instead.
/// </summary>
public class VmHostTests
{
    private static TopologyLoadResult Lab(string hostYaml, string port = "{ socket: /run/nfv/lab/vm1.sock }") => Fixture.Text($$"""
        functions:
          lan: { kind: switch }
        ports:
          p1: {{port}}
        links: [ [p1, lan] ]
        hosts:
          vm1: {{hostYaml}}
        """);

    [Fact]
    public void An_empty_vm_boots_the_ready_image_with_the_hosts_settings()
    {
        var result = Lab("{ port: p1, address: [dhcp, slaac], vm: {}, exec: 'ping -c 1 10.0.0.1' }");

        Fixture.AssertDiagnostics(result);
        var topology = result.Topology!;
        Assert.Equal("/run/nfv/lab/vm1.sock", topology.Ports[0].SocketPath);
        Assert.Equal("socket /run/nfv/lab/vm1.sock", topology.Ports[0].Describe());
        var vm1 = topology.Hosts[0];
        Assert.Equal(new VmSettings(), vm1.Vm);
        Assert.True(vm1.Vm!.UsesReadyImage);
        Assert.Equal("/var/lib/nfv/vm-image/vmlinuz", vm1.Vm.BootKernel);
        Assert.Equal("/var/lib/nfv/vm-image/initrd.gz", vm1.Vm.BootInitrd);
        Assert.Equal(256L << 20, vm1.Vm.MemoryBytes);
        Assert.Empty(topology.NamespaceHosts);
    }

    [Fact]
    public void Files_are_read_relative_to_the_topology_and_sizes_as_written()
    {
        var result = Lab("{ port: p1, address: 10.0.0.5/24, vm: { kernel: k/vmlinuz, initrd: /boot/i.gz, image: disk.qcow2, memory: 1g, cpus: 2, append: 'loglevel=7' } }");

        Fixture.AssertDiagnostics(result);
        var vm = result.Topology!.Hosts[0].Vm!;
        string directory = Path.GetDirectoryName(Path.GetFullPath(result.Topology.FilePath))!;
        Assert.Equal(Path.Combine(directory, "k/vmlinuz"), vm.Kernel);
        Assert.Equal("/boot/i.gz", vm.Initrd);
        Assert.Equal(Path.Combine(directory, "disk.qcow2"), vm.Disk);
        Assert.Equal((1L << 30, 2, "loglevel=7"), (vm.MemoryBytes, vm.Cpus, vm.Append));
        Assert.False(vm.UsesReadyImage);
    }

    [Fact]
    public void A_disk_alone_boots_through_the_firmware()
    {
        var vm = Lab("{ port: p1, address: dhcp, vm: { image: /images/debian.qcow2 } }").Topology!.Hosts[0].Vm!;
        Assert.Null(vm.BootKernel);
        Assert.Null(vm.BootInitrd);
    }

    [Fact]
    public void The_guests_socket_sits_beside_the_ports()
    {
        Assert.Equal("/run/nfv/lab/vm1.guest.sock", VmSettings.GuestSocketFor("/run/nfv/lab/vm1.sock"));
        Assert.Equal("/run/nfv/lab/vm1.guest.sock", VmSettings.GuestSocketFor("/run/nfv/lab/vm1"));
    }

    [Theory]
    [InlineData("{ port: p1, address: dhcp, vm: {} }", "{ tap: nfv-vm1 }", "NFV0108", "is a VM, so its port needs 'socket'")]
    [InlineData("{ port: p1, address: dhcp }", "{ socket: /run/nfv/vm1.sock }", "NFV0108", "a network namespace needs a TAP port; add 'vm'")]
    [InlineData("{ port: p1, address: dhcp, vm: {} }", "{ socket: run/vm1.sock }", "NFV0112", "is not a full path")]
    [InlineData("{ port: p1, address: dhcp, vm: {} }", "{ socket: /run/nfv/ }", "NFV0112", "names a folder")]
    [InlineData("{ port: p1, address: dhcp, vm: {} }", "{ socket: /run/nfv/vm1.sock, tap: nfv-vm1 }", "NFV0112", "one of them")]
    [InlineData("{ port: p1, address: dhcp, vm: { initrd: /boot/i.gz } }", null, "NFV0108", "has an 'initrd' but no 'kernel'")]
    [InlineData("{ port: p1, address: dhcp, vm: { memory: 1M } }", null, "NFV0211", "write a size")]
    [InlineData("{ port: p1, address: dhcp, vm: { cpus: 0 } }", null, "NFV0202", "")]
    [InlineData("{ port: p1, address: dhcp, vm: { disk: x } }", null, "NFV0102", "expected one of: kernel, initrd, image, memory, cpus, append")]
    [InlineData("{ port: p1, address: dhcp, vm: [] }", null, "NFV0201", "")]
    [InlineData("{ port: p1, address: dhcp, dhcp-client: udhcpc, vm: {} }", null, "NFV0108", "runs its own DHCP client")]
    [InlineData("{ port: p1, address: dhcp, memory: 64M, vm: {} }", null, "NFV0108", "size the guest with 'memory' and 'cpus' under 'vm'")]
    [InlineData("{ port: p1, address: dhcp, exec: 'true', vm: { image: /d.img } }", null, "NFV0108", "may not run 'exec'")]
    public void Mistakes_are_refused_saying_what_to_write(string host, string? port, string code, string message)
    {
        var result = port is null ? Lab(host) : Lab(host, port);

        Assert.Null(result.Topology);
        Assert.Contains(result.Diagnostics, d => d.Code == code && d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Paths_too_long_for_a_socket_address_are_refused_for_the_port_and_for_the_guest_beside_it()
    {
        string tooLong = "/run/" + new string('x', 103); // 108 bytes
        var port = Lab("{ port: p1, address: dhcp, vm: {} }", $"{{ socket: {tooLong} }}");
        Assert.Contains(port.Diagnostics, d => d.Code == "NFV0112" && d.Message.Contains("longer than the 107 bytes", StringComparison.Ordinal));

        string fits = "/run/" + new string('x', 97) + ".sock"; // 107 bytes; the guest's would be 113
        var guest = Lab("{ port: p1, address: dhcp, vm: {} }", $"{{ socket: {fits} }}");
        Assert.Contains(guest.Diagnostics, d => d.Code == "NFV0108" && d.Message.Contains("give port 'p1' a shorter path", StringComparison.Ordinal));
    }

    [Fact]
    public void Exec_too_long_for_the_kernel_command_line_is_refused()
    {
        var result = Lab($"{{ port: p1, address: dhcp, vm: {{}}, exec: ['{new string('x', 800)}'] }}");
        Assert.Contains(result.Diagnostics, d => d.Code == "NFV0108" && d.Message.Contains("too long for the kernel command line", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_ports_on_one_socket_are_refused()
    {
        var result = Fixture.Text("""
            functions:
              lan: { kind: switch }
            ports:
              p1: { socket: /run/nfv/a.sock }
              p2: { socket: /run/nfv/a.sock }
            links: [ [p1, lan], [p2, lan] ]
            """);
        Assert.Contains(result.Diagnostics, d => d.Code == "NFV0103" && d.Message.Contains("already used by port 'p1'", StringComparison.Ordinal));
    }
}
