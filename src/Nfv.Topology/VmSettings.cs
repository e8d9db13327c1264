namespace Nfv.Topology;

/// <summary>
/// The machine of a VM lab host (<c>vm:</c>): a QEMU guest whose virtio NIC is the host's socket port. With no
/// <see cref="Kernel"/> and no <see cref="Disk"/> it boots nfv's ready image (<see cref="ReadyImageDirectory"/>, made by
/// <c>deploy/vm/build-image.sh</c>), whose init takes the host's <c>address</c>, <c>gateway</c> and <c>exec</c> from the
/// kernel command line; a disk alone boots through the firmware, and its system configures itself.
/// </summary>
public sealed record VmSettings
{
    /// <summary>Where the build script puts the ready image (<c>vmlinuz</c>, <c>initrd.gz</c>).</summary>
    public const string ReadyImageDirectory = "/var/lib/nfv/vm-image";

    /// <summary>
    /// How many bytes of the kernel command line (2,048 on x86) a ready-image VM's <c>exec</c> may take once encoded
    /// (base64, a comma between commands): the rest is the console, the host's addresses and <c>append</c>.
    /// </summary>
    public const int ExecCapacity = 1024;

    /// <summary>The guest memory when none is given: enough for the ready image and a few programs.</summary>
    public const long DefaultMemoryBytes = 256L << 20;

    /// <summary>A kernel to boot directly (<c>kernel:</c>, a full path); null for the ready image's, or the disk's own.</summary>
    public string? Kernel { get; init; }

    /// <summary>Its initramfs (<c>initrd:</c>, a full path); null for none, or the ready image's.</summary>
    public string? Initrd { get; init; }

    /// <summary>A disk image (<c>image:</c>, a full path) the guest sees as a virtio disk; writes go to a throwaway overlay, never to the file.</summary>
    public string? Disk { get; init; }

    /// <summary>Guest memory in bytes (<c>memory:</c>).</summary>
    public long MemoryBytes { get; init; } = DefaultMemoryBytes;

    /// <summary>Virtual CPUs (<c>cpus:</c>).</summary>
    public int Cpus { get; init; } = 1;

    /// <summary>Words added to the kernel command line (<c>append:</c>); null for none.</summary>
    public string? Append { get; init; }

    /// <summary>True when the guest boots nfv's ready image: no kernel and no disk of its own.</summary>
    public bool UsesReadyImage => Kernel is null && Disk is null;

    /// <summary>The kernel QEMU boots directly: <see cref="Kernel"/>, the ready image's, or null to boot the disk.</summary>
    public string? BootKernel => Kernel ?? (UsesReadyImage ? Path.Combine(ReadyImageDirectory, "vmlinuz") : null);

    /// <summary>The initramfs QEMU loads: <see cref="Initrd"/>, the ready image's, or null for none.</summary>
    public string? BootInitrd => Initrd ?? (UsesReadyImage ? Path.Combine(ReadyImageDirectory, "initrd.gz") : null);

    /// <summary>
    /// The socket a guest's NIC binds, beside its port's (<c>/run/nfv/vm1.sock</c> gives <c>/run/nfv/vm1.guest.sock</c>):
    /// the port sends there, so frames reach the guest before it has sent any.
    /// </summary>
    public static string GuestSocketFor(string portSocket)
    {
        ArgumentException.ThrowIfNullOrEmpty(portSocket);
        string extension = Path.GetExtension(portSocket) is { Length: > 0 } e ? e : ".sock";
        return Path.Combine(Path.GetDirectoryName(portSocket) ?? "/", Path.GetFileNameWithoutExtension(portSocket) + ".guest" + extension);
    }
}
