using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nfv.Abstractions;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// A Linux TAP device opened through /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and
/// checksum and TSO offloads, non-blocking. Every frame read or written is preceded by a
/// <see cref="VirtioNetHeader"/>, so TCP super-frames of up to 64 KB cross the graph whole.
/// </summary>
/// <remarks>
/// The device exists while this object's descriptor is open (it is not persistent): disposing the
/// port removes the interface, even after it was moved into another network namespace.
/// </remarks>
public sealed partial class TapPort : IFramePort
{
    /// <summary>Offloads the TAP accepts from the kernel: partial checksums and TCP segmentation.</summary>
    public const uint Offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

    private readonly SafeFileHandle _fd;

    private TapPort(string name, string interfaceName, SafeFileHandle fd)
    {
        Name = name;
        InterfaceName = interfaceName;
        _fd = fd;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The Linux interface name the TAP was created with.</summary>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public SafeHandle PollHandle => _fd;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <summary>Creates the TAP interface <paramref name="interfaceName"/> (down, in the current namespace).</summary>
    /// <exception cref="TapException">The device could not be created or configured.</exception>
    public static unsafe TapPort Create(string name, string interfaceName)
    {
        var fd = Open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd.IsInvalid)
        {
            ThrowHelper.ThrowTap("open /dev/net/tun", interfaceName);
        }
        try
        {
            var request = IfReq.Create(interfaceName, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR);
            if (Ioctl(fd, TUNSETIFF, &request) < 0)
            {
                ThrowHelper.ThrowTap("TUNSETIFF", interfaceName);
            }
            int headerSize = VirtioNetHeader.Size;
            if (Ioctl(fd, TUNSETVNETHDRSZ, &headerSize) < 0)
            {
                ThrowHelper.ThrowTap("TUNSETVNETHDRSZ", interfaceName);
            }
            if (Ioctl(fd, TUNSETOFFLOAD, (nuint)Offloads) < 0)
            {
                ThrowHelper.ThrowTap("TUNSETOFFLOAD", interfaceName);
            }
            return new TapPort(name, request.GetName(), fd);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (tap {InterfaceName})";
}
