using System.Globalization;
using System.Text;
using Nfv.Topology;

namespace Nfv.Lab.Vm;

/// <summary>How QEMU runs the guest: hardware virtualisation (KVM) when this machine offers it, else emulation (TCG).</summary>
public enum VmAccelerator
{
    /// <summary>QEMU's translator: works everywhere, several times slower.</summary>
    Tcg,

    /// <summary>The kernel's KVM: needs <c>/dev/kvm</c> and a CPU with virtualisation extensions.</summary>
    Kvm,
}

/// <summary>
/// The QEMU command line of a VM lab host: a guest with the host's memory and CPUs, its virtio NIC (the host's MAC) on
/// a datagram socket of its own sending to the port's, its serial console on QEMU's standard output, no display, no
/// reboot (a guest that powers off or panics ends QEMU), and for nfv's ready image the host's settings on the kernel
/// command line (<c>nfv.address</c>, <c>nfv.gateway</c>, <c>nfv.exec</c>), which the image's init reads.
/// </summary>
public static class QemuCommand
{
    /// <summary>
    /// KVM when <c>/dev/kvm</c> opens for reading and writing and the CPU says it has virtualisation extensions (vmx or
    /// svm in <c>/proc/cpuinfo</c>); TCG otherwise. Both are needed: inside a VM without nested virtualisation the device
    /// may exist while guests hang on it.
    /// </summary>
    public static VmAccelerator ChooseAccelerator(string cpuInfoPath = "/proc/cpuinfo", string kvmPath = "/dev/kvm")
    {
        try
        {
            using (File.Open(kvmPath, FileMode.Open, FileAccess.ReadWrite))
            {
            }
            bool extensions = File.ReadLines(cpuInfoPath)
                .Where(line => line.StartsWith("flags", StringComparison.Ordinal))
                .Any(line => line.Split(' ', ':', '\t').Any(flag => flag is "vmx" or "svm"));
            return extensions ? VmAccelerator.Kvm : VmAccelerator.Tcg;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return VmAccelerator.Tcg;
        }
    }

    /// <summary>The arguments after the program's name.</summary>
    /// <param name="host">The VM host (<see cref="ResolvedHost.Vm"/> set).</param>
    /// <param name="portSocket">The path of the port's socket, which the guest's NIC sends to.</param>
    /// <param name="guestSocket">The path QEMU binds for the guest's NIC, which the port sends to.</param>
    /// <param name="pidFile">Where QEMU writes its process id (so a later run can end a guest a killed nfv left).</param>
    /// <param name="accelerator">KVM or TCG.</param>
    public static IReadOnlyList<string> Arguments(ResolvedHost host, string portSocket, string guestSocket, string pidFile, VmAccelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(host);
        var vm = host.Vm ?? throw new ArgumentException($"host '{host.Name}' is not a VM", nameof(host));
        var arguments = new List<string>
        {
            "-name", host.Name,
            "-accel", accelerator == VmAccelerator.Kvm ? "kvm" : "tcg",
            "-m", $"{vm.MemoryBytes / (1024 * 1024)}M",
            "-smp", vm.Cpus.ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-serial", "stdio", "-monitor", "none",
            "-pidfile", pidFile,
            "-netdev", $"dgram,id=net0,local.type=unix,local.path={Escape(guestSocket)},remote.type=unix,remote.path={Escape(portSocket)}",
            // romfile= (none): the NIC's network boot ROM is not needed to boot a kernel or a disk, and its package may be missing.
            "-device", $"virtio-net-pci,netdev=net0,mac={LabEnvironment.MacOf(host)},romfile=",
        };
        if (accelerator == VmAccelerator.Kvm)
        {
            arguments.AddRange(["-cpu", "host"]);
        }
        if (vm.Disk is { } disk)
        {
            // snapshot=on: the guest's writes go to a temporary overlay, so a lab never changes its image.
            arguments.AddRange(["-drive", $"file={Escape(disk)},if=virtio,snapshot=on"]);
        }
        if (vm.BootKernel is { } kernel)
        {
            arguments.AddRange(["-kernel", kernel, "-append", KernelCommandLine(host)]);
            if (vm.BootInitrd is { } initrd)
            {
                arguments.AddRange(["-initrd", initrd]);
            }
        }
        return arguments;
    }

    /// <summary>
    /// The kernel command line: the serial console, quiet, a panic that ends the guest; the host's settings as the ready
    /// image's init reads them; then <see cref="VmSettings.Append"/>.
    /// </summary>
    public static string KernelCommandLine(ResolvedHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var words = new List<string> { "console=ttyS0", "quiet", "panic=-1", $"nfv.host={host.Name}" };
        var addresses = new[] { host.Address?.ToString() ?? (host.Dhcp is null ? null : "dhcp") }
            .Concat(host.Ipv6Addresses.Select(a => a.ToString())).OfType<string>().ToList();
        if (addresses.Count > 0)
        {
            words.Add($"nfv.address={string.Join(',', addresses)}");
        }
        if (host.Gateways is { } gateways)
        {
            words.Add($"nfv.gateway={gateways.Replace(", ", ",", StringComparison.Ordinal)}");
        }
        if (host.Exec.Count > 0)
        {
            words.Add($"nfv.exec={string.Join(',', host.Exec.Select(c => Convert.ToBase64String(Encoding.UTF8.GetBytes(c))))}");
        }
        if (host.Vm?.Append is { Length: > 0 } append)
        {
            words.Add(append);
        }
        return string.Join(' ', words);
    }

    // QEMU's option syntax: a comma inside a value is written twice.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}
