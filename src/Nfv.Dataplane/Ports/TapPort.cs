using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// A Linux TAP device opened through /dev/net/tun with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and
/// checksum and TSO offloads, non-blocking. Every frame read or written is preceded by a
/// <see cref="VirtioNetHeader"/>, so TCP super-frames of up to 64 KB cross the graph whole.
/// </summary>
/// <remarks>
/// The device exists while this object's descriptor is open (it is not persistent): disposing the
/// port removes the interface, even after it was moved into another network namespace. When the device
/// goes away under the port (its namespace deleted), the port is <see cref="PortState.Gone"/>;
/// <see cref="Reopen"/> makes a new device of the same name behind the same port, counters and all.
/// A TAP made with several queues (IFF_MULTI_QUEUE, one per dataplane worker) has a descriptor per queue: the kernel
/// puts each flow the host sends on one queue (the queue nfv last wrote the flow's answers on, else by its hash), and a
/// frame written to any queue reaches the host. Each queue (<see cref="Queues"/>) is then a port of its own, counting
/// what it carries; the port itself stands for the device (its name, state and address), its <see cref="Counters"/>
/// sum the queues', and used as a port it reads and writes the first queue.
/// </remarks>
public sealed partial class TapPort : IFramePort
{
    /// <summary>Offloads the TAP accepts from the kernel: partial checksums and TCP segmentation.</summary>
    public const uint Offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

    private SafeFileHandle _fd;
    private volatile PortState _state;
    private PortCounters _counters = new(); // what this object's reads and writes count into
    private TapPort[] _queues;
    private PortCounters? _sum; // all queues', when there are several

    private TapPort(string name, string interfaceName, SafeFileHandle fd, bool batchedIo)
    {
        Name = name;
        InterfaceName = interfaceName;
        _fd = fd;
        _queues = [this];
        _noRing = !batchedIo;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The Linux interface name the TAP was created with (or last reopened as).</summary>
    public string InterfaceName { get; private set; }

    /// <inheritdoc/>
    public SafeHandle? PollHandle => _fd.IsClosed ? null : _fd;

    /// <inheritdoc/>
    public PortCounters Counters => _sum ?? _counters;

    /// <inheritdoc/>
    public PortState State
    {
        get
        {
            var state = _state;
            foreach (var queue in _queues)
            {
                state = (PortState)Math.Max((int)state, (int)queue._state); // the worst of them
            }
            return state;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<IFramePort> Queues => _queues;

    /// <summary>
    /// Creates the TAP interface <paramref name="interfaceName"/>, down, in the calling thread's network namespace (a
    /// thread that entered a lab host's namespace makes its <c>eth0</c> there, with no move afterwards), with
    /// <paramref name="queues"/> queues (more than one: IFF_MULTI_QUEUE, a descriptor each). With
    /// <paramref name="batchedIo"/>, reads and writes go to the kernel in batches through io_uring, one system call a
    /// batch (<see cref="Receive"/>, <see cref="Send(ReadOnlySpan{Packet})"/>; where <see cref="CanBatchIo"/> says it can).
    /// </summary>
    /// <exception cref="TapException">The device could not be created or configured.</exception>
    public static TapPort Create(string name, string interfaceName, int queues = 1, bool batchedIo = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queues, 1);
        var fds = OpenQueues(interfaceName, queues, out var actualName);
        var port = new TapPort(name, actualName, fds[0], batchedIo);
        if (queues > 1)
        {
            port._queues = [.. fds.Select(fd => new TapPort(name, actualName, fd, batchedIo))];
            port._counters = port._queues[0]._counters; // the port used as a port is the first queue
            port._sum = PortCounters.Sum([.. port._queues.Select(q => q._counters)]);
        }
        return port;
    }

    // Opens the device's queues: the first makes it, the others attach to it (the same name, in the same namespace).
    private static SafeFileHandle[] OpenQueues(string interfaceName, int queues, out string actualName)
    {
        var fds = new List<SafeFileHandle>(queues);
        try
        {
            fds.Add(OpenDevice(interfaceName, queues > 1, out actualName));
            for (int i = 1; i < queues; i++)
            {
                fds.Add(OpenDevice(actualName, multiQueue: true, out _));
            }
            return [.. fds];
        }
        catch
        {
            foreach (var fd in fds)
            {
                fd.Dispose();
            }
            throw;
        }
    }

    /// <summary>The device's MAC address, wherever it is now (the descriptor answers for it in any namespace).</summary>
    /// <exception cref="TapException">The device is gone.</exception>
    public unsafe MacAddress ReadHardwareAddress()
    {
        var request = IfReq.Create(InterfaceName, 0);
        if (Ioctl(_fd, SIOCGIFHWADDR, &request) < 0)
        {
            ThrowHelper.ThrowTap("SIOCGIFHWADDR", InterfaceName);
        }
        return MacAddress.Read(new ReadOnlySpan<byte>(request.HardwareAddress, 6));
    }

    /// <summary>Gives the device the MAC <paramref name="mac"/>, wherever it is now (a lab host's fixed or derived MAC).</summary>
    /// <exception cref="TapException">The device is gone, or refused the address.</exception>
    public void SetHardwareAddress(MacAddress mac) => SetHardwareAddress(_fd, InterfaceName, mac);

    private static unsafe void SetHardwareAddress(SafeFileHandle fd, string interfaceName, MacAddress mac)
    {
        var request = IfReq.Create(interfaceName, 0);
        request.HardwareFamily = ARPHRD_ETHER;
        mac.Write(new Span<byte>(request.HardwareAddress, 6));
        if (Ioctl(fd, SIOCSIFHWADDR, &request) < 0)
        {
            ThrowHelper.ThrowTap("SIOCSIFHWADDR", interfaceName);
        }
    }

    /// <summary>
    /// Replaces the port's device with a new TAP named <paramref name="interfaceName"/> (by default the same name) in the
    /// calling thread's namespace (closing the old one, which removes it if it still exists), gives it
    /// <paramref name="mac"/> (so neighbours' ARP caches and DHCP reservations still hold) and marks the port up. Call it
    /// on the thread that owns the port, with the port not being polled (<c>PipelineWorker.ChangePortAsync</c>).
    /// </summary>
    /// <exception cref="TapException">The device could not be created; the port keeps its old descriptor.</exception>
    public void Reopen(MacAddress? mac = null, string? interfaceName = null)
    {
        var fresh = OpenQueues(interfaceName ?? InterfaceName, _queues.Length, out var actualName);
        if (mac is { } address)
        {
            try
            {
                SetHardwareAddress(fresh[0], actualName, address);
            }
            catch
            {
                foreach (var fd in fresh)
                {
                    fd.Dispose();
                }
                throw;
            }
        }
        var old = _fd;
        for (int i = 0; i < _queues.Length; i++)
        {
            var queue = _queues[i];
            queue._fd.Dispose();
            queue._fd = fresh[i];
            queue.InterfaceName = actualName;
            queue._state = PortState.Up;
        }
        _fd = fresh[0];
        InterfaceName = actualName;
        old.Dispose();
        _state = PortState.Up;
    }

    /// <summary>
    /// Closes the device (removing it) and marks the port gone. Same thread rules as <see cref="Reopen"/>: with several
    /// queues, no worker may poll any of them.
    /// </summary>
    public void Close()
    {
        foreach (var queue in _queues)
        {
            queue._fd.Dispose();
            queue._state = PortState.Gone;
        }
        _fd.Dispose();
        _state = PortState.Gone;
    }

    /// <summary>Opens /dev/net/tun as the TAP <paramref name="interfaceName"/>; <paramref name="actualName"/> is the name the kernel gave.</summary>
    private static unsafe SafeFileHandle OpenDevice(string interfaceName, bool multiQueue, out string actualName)
    {
        var fd = Open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd.IsInvalid)
        {
            ThrowHelper.ThrowTap("open /dev/net/tun", interfaceName);
        }
        try
        {
            var request = IfReq.Create(interfaceName, (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (multiQueue ? IFF_MULTI_QUEUE : 0)));
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
            actualName = request.GetName();
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What a failed read or write says about the device: EBADFD (the device was removed, as when its namespace is
    /// deleted) and ENODEV mean gone; EIO on a write means the interface is down.
    /// </summary>
    private static PortState StateAfter(Error error) => error switch
    {
        Error.EBADFD or Error.ENODEV or Error.EBADF => PortState.Gone,
        Error.EIO => PortState.NoCarrier,
        _ => PortState.Up,
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var queue in _queues)
        {
            queue._fd.Dispose();
            queue.CloseRing(failed: true);
        }
        CloseRing(failed: true); // with several queues the port is an object of its own, which may have read its first queue
        _fd.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (tap {InterfaceName})";
}
