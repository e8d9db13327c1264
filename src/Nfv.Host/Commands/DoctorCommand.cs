using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Nfv.Topology;

namespace Nfv.Host.Commands;

/// <summary>
/// <c>nfv doctor [FILE]</c>: what running a topology needs from this machine (root, /dev/net/tun, iproute2, the DHCP
/// clients its hosts ask for, QEMU and the images of its VM hosts, libpcap for replay), what is there, what is missing, and the Debian package of each.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file")
        {
            Description = "The topology file to check the machine for; without it, the Nfv:Topology setting of appsettings.json.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("doctor", "Lists what a topology needs from this machine, what is missing, and the Debian package of each.") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file) ?? DefaultTopology();
            if (TopologyFile.Load(path, Console.Error) is not { } topology)
            {
                return 1;
            }
            var findings = Examine(topology, new LinuxMachineProbe(), DoctorMachine.Current());
            Console.Out.Write(Report(path, topology, findings));
            return findings.Any(f => f.Status is DoctorStatus.Missing or DoctorStatus.Conflict) ? 1 : 0;
        });
        return command;
    }

    /// <summary>Everything <paramref name="topology"/> needs of the machine, in the order of the report.</summary>
    internal static IReadOnlyList<DoctorFinding> Examine(ResolvedTopology topology, IMachineProbe probe, DoctorMachine machine)
    {
        var findings = new List<DoctorFinding>
        {
            Required(machine.IsRoot, "root", "creating TAP devices and network namespaces (CAP_NET_ADMIN)", null),
            Required(machine.HasTun, "/dev/net/tun", "TAP devices (the kernel's tun module)", null),
            Required(probe.ProgramExists("ip"), "ip", "setting up ports and lab hosts", "iproute2"),
        };
        foreach (var group in topology.NamespaceHosts.Where(h => h.Dhcp is not null).GroupBy(h => h.Dhcp!.Value))
        {
            string hosts = $"{(group.Count() == 1 ? "host" : "hosts")} {string.Join(", ", group.Select(h => h.Name))}";
            findings.AddRange(DhcpClientFindings(group.Key, hosts, probe));
        }
        findings.AddRange(VmFindings(topology, probe, machine));
        foreach (var conflict in MachineChecks.Check(topology, probe).Where(d => d.Code == Abstractions.Configuration.DiagnosticCodes.NameTaken))
        {
            findings.Add(new DoctorFinding(DoctorStatus.Conflict, conflict.Message, $"{conflict.Span.File}({conflict.Span.Line},{conflict.Span.Column})", null));
        }
        findings.Add(new DoctorFinding(machine.HasLibpcap ? DoctorStatus.Ok : DoctorStatus.Optional, "libpcap", "nfv replay (reading pcap files)", "libpcap0.8"));
        return findings;
    }

    // QEMU, the files each guest boots from, and whether guests run with KVM or emulated.
    private static IEnumerable<DoctorFinding> VmFindings(ResolvedTopology topology, IMachineProbe probe, DoctorMachine machine)
    {
        var vms = topology.Hosts.Where(h => h.Vm is not null).ToList();
        if (vms.Count == 0)
        {
            yield break;
        }
        string hosts = $"{(vms.Count == 1 ? "VM host" : "VM hosts")} {string.Join(", ", vms.Select(h => h.Name))}";
        yield return Required(probe.ProgramExists(MachineChecks.Qemu), MachineChecks.Qemu, hosts, "qemu-system-x86");
        foreach (var (file, ready) in vms.SelectMany(h => new[] { h.Vm!.BootKernel, h.Vm.BootInitrd, h.Vm.Disk }
            .OfType<string>().Select(f => (f, h.Vm.UsesReadyImage))).Distinct())
        {
            yield return Required(probe.FileExists(file), file, ready ? "the ready VM image (build it: sudo deploy/vm/build-image.sh)" : "a VM host boots from it", null);
        }
        yield return machine.Accelerator == Lab.Vm.VmAccelerator.Kvm
            ? new DoctorFinding(DoctorStatus.Ok, "kvm", $"{hosts} run with hardware virtualisation", null)
            : new DoctorFinding(DoctorStatus.Optional, "kvm", $"{hosts} are emulated (TCG): /dev/kvm with vmx or svm in the CPU would run them several times faster", null);
    }

    private static IEnumerable<DoctorFinding> DhcpClientFindings(DhcpClientKind requested, string hosts, IMachineProbe probe)
    {
        if (requested == DhcpClientKind.Builtin)
        {
            yield return new DoctorFinding(DoctorStatus.Ok, "builtin", $"{hosts}: nfv's own DHCP client (dhcp-client: builtin)", null);
            yield break;
        }
        if (requested != DhcpClientKind.Auto)
        {
            string name = DhcpClients.Name(requested);
            yield return Required(DhcpClients.Program(requested, probe) is not null, name, $"{hosts} (dhcp-client: {name})", DhcpClients.Package(requested));
            yield break;
        }
        var chosen = DhcpClients.Choose(DhcpClientKind.Auto, probe);
        foreach (var kind in DhcpClients.Preference)
        {
            string name = DhcpClients.Name(kind);
            yield return kind == chosen
                ? new DoctorFinding(DoctorStatus.Ok, name, $"{hosts} use it (dhcp-client: auto)", DhcpClients.Package(kind))
                : new DoctorFinding(DhcpClients.Program(kind, probe) is null ? DoctorStatus.Optional : DoctorStatus.Ok, name,
                    $"{hosts} would use it first if installed (dhcp-client: auto)", DhcpClients.Package(kind));
        }
        if (chosen == DhcpClientKind.Builtin)
        {
            yield return new DoctorFinding(DoctorStatus.Ok, "builtin", $"{hosts} use nfv's own DHCP client: no real client is installed", null);
        }
    }

    private static DoctorFinding Required(bool present, string what, string neededFor, string? package) =>
        new(present ? DoctorStatus.Ok : DoctorStatus.Missing, what, neededFor, package);

    /// <summary>The report: a table of findings, then a verdict line (and the install command when something is missing).</summary>
    internal static string Report(string path, ResolvedTopology topology, IReadOnlyList<DoctorFinding> findings)
    {
        var text = new System.Text.StringBuilder($"nfv doctor: {path} (topology '{topology.Name}')\n");
        var rows = findings.Select(f => new[] { Status(f.Status), f.What, f.NeededFor, f.Package ?? "-" }).Prepend(["STATUS", "NEEDS", "FOR", "DEBIAN PACKAGE"]).ToList();
        int[] widths = [.. Enumerable.Range(0, 3).Select(c => rows.Max(r => r[c].Length))];
        foreach (var row in rows)
        {
            text.Append($"{row[0].PadRight(widths[0])}  {row[1].PadRight(widths[1])}  {row[2].PadRight(widths[2])}  {row[3]}\n");
        }
        var missing = findings.Where(f => f.Status == DoctorStatus.Missing).ToList();
        int conflicts = findings.Count(f => f.Status == DoctorStatus.Conflict);
        int optional = findings.Count(f => f.Status == DoctorStatus.Optional);
        if (missing.Count == 0 && conflicts == 0)
        {
            text.Append($"ready: nfv run {path} has all it needs{(optional > 0 ? $" ({optional} optional missing)" : "")}\n");
            return text.ToString();
        }
        text.Append($"not ready: {Plural(missing.Count, "requirement")} missing, {Plural(conflicts, "name")} already taken\n");
        var packages = missing.Select(f => f.Package).OfType<string>().Distinct().ToList();
        if (packages.Count > 0)
        {
            text.Append($"install with: apt-get install {string.Join(' ', packages)}\n");
        }
        return text.ToString();
    }

    private static string Status(DoctorStatus status) => status switch
    {
        DoctorStatus.Ok => "ok",
        DoctorStatus.Missing => "MISSING",
        DoctorStatus.Optional => "optional",
        _ => "CONFLICT",
    };

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>The Nfv:Topology setting as <c>nfv run</c> reads it (appsettings.json in the current folder, then the environment).</summary>
    private static string DefaultTopology() => TopologyFile.Settings().Topology;
}

/// <summary>How a need of the topology stands on this machine.</summary>
internal enum DoctorStatus
{
    /// <summary>There.</summary>
    Ok,
    /// <summary>Not there, and <c>nfv run</c> cannot do without it.</summary>
    Missing,
    /// <summary>Not there; nfv does without it (another choice, or a verb the lab does not need).</summary>
    Optional,
    /// <summary>A name the topology wants is already taken on the machine.</summary>
    Conflict,
}

/// <summary>One line of the doctor's report.</summary>
internal sealed record DoctorFinding(DoctorStatus Status, string What, string NeededFor, string? Package);

/// <summary>What the doctor reads off the machine beyond programs (which <see cref="IMachineProbe"/> answers).</summary>
internal sealed record DoctorMachine(bool IsRoot, bool HasTun, bool HasLibpcap, Lab.Vm.VmAccelerator Accelerator = Lab.Vm.VmAccelerator.Tcg)
{
    public static DoctorMachine Current() => new(Environment.IsPrivilegedProcess, File.Exists("/dev/net/tun"), HasLibrary("libpcap.so.0.8") || HasLibrary("libpcap.so"),
        Lab.Vm.QemuCommand.ChooseAccelerator());

    private static bool HasLibrary(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle))
        {
            return false;
        }
        NativeLibrary.Free(handle);
        return true;
    }
}
