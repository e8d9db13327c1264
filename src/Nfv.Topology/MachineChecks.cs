using Nfv.Abstractions.Configuration;

namespace Nfv.Topology;

/// <summary>
/// Checks that a topology can be created on this machine: what <c>nfv run</c> asks just before it
/// creates anything, so a clash is refused with the place in the file rather than half-built.
/// </summary>
public static class MachineChecks
{
    /// <summary>
    /// Reports (<see cref="DiagnosticCodes.NameTaken"/>) every TAP interface that already exists and
    /// every lab host whose network namespace already exists, each at the port or host that declares it; and
    /// (<see cref="DiagnosticCodes.MissingProgram"/>) every DHCP client a host names that is not installed (<see cref="DhcpClientKind.Auto"/> always finds one),
    /// and for a VM host QEMU and every file it boots from.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(ResolvedTopology topology, IMachineProbe probe)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(probe);
        var diagnostics = new DiagnosticBag();
        foreach (var port in topology.Ports)
        {
            if (port.TapName is { } tap && probe.InterfaceExists(tap))
            {
                diagnostics.Error(DiagnosticCodes.NameTaken, port.Span,
                    $"interface '{port.TapName}' already exists on this machine");
            }
        }
        foreach (var host in topology.Hosts.Where(h => h.Vm is not null))
        {
            CheckVm(host, host.Vm!, probe, diagnostics);
        }
        foreach (var host in topology.NamespaceHosts)
        {
            if (probe.NamespaceExists(host.Name))
            {
                diagnostics.Error(DiagnosticCodes.NameTaken, host.Span,
                    $"a network namespace named '{host.Name}' already exists");
            }
            if (host.Dhcp is { } client && DhcpClients.Package(client) is { } package && DhcpClients.Program(client, probe) is null)
            {
                diagnostics.Error(DiagnosticCodes.MissingProgram, host.Span,
                    $"host '{host.Name}' needs the DHCP client {DhcpClients.Name(client)}, which is not installed (Debian package {package}; or leave 'dhcp-client' out to use the first client installed, or nfv's built-in one)");
            }
        }
        return diagnostics.Items;
    }

    /// <summary>The program that runs VM hosts.</summary>
    public const string Qemu = "qemu-system-x86_64";

    private static void CheckVm(ResolvedHost host, VmSettings vm, IMachineProbe probe, DiagnosticBag diagnostics)
    {
        if (!probe.ProgramExists(Qemu))
        {
            diagnostics.Error(DiagnosticCodes.MissingProgram, host.Span,
                $"host '{host.Name}' is a VM and needs {Qemu}, which is not installed (Debian package qemu-system-x86)");
        }
        foreach (var file in new[] { vm.BootKernel, vm.BootInitrd, vm.Disk }.OfType<string>().Where(f => !probe.FileExists(f)))
        {
            diagnostics.Error(DiagnosticCodes.MissingFile, host.Span, vm.UsesReadyImage
                ? $"host '{host.Name}' boots nfv's ready VM image, which is not built yet ({file} is missing): run 'sudo deploy/vm/build-image.sh', or give the vm a 'kernel' or 'image' of its own"
                : $"host '{host.Name}' boots from {file}, which does not exist");
        }
    }
}
