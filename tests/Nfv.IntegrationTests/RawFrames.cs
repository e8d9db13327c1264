using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Nfv.Lab;

namespace Nfv.IntegrationTests;

/// <summary>
/// Sends hand-made Ethernet frames out of an interface of a lab namespace, through an AF_PACKET socket opened inside
/// it: the attacker for floods no packet tool makes (ARP requests from random senders, DHCP from random MACs), built
/// with the tests' own frame builders.
/// </summary>
internal static partial class RawFrames
{
    private const int AfPacket = 17, SockRaw = 3;

    /// <summary>
    /// Sends every frame at about <paramref name="perSecond"/> frames a second, never for longer than
    /// <paramref name="limit"/>; returns how many were sent (a full interface queue is retried, not counted).
    /// </summary>
    public static int Send(string ns, IReadOnlyList<byte[]> frames, int perSecond, TimeSpan limit, string interfaceName = "eth0")
    {
        int fd = NetworkNamespace.Run(ns, () => Open(interfaceName));
        try
        {
            var clock = Stopwatch.StartNew();
            int sent = 0;
            while (sent < frames.Count && clock.Elapsed < limit)
            {
                // Pace: the frames due by now go out, then a short sleep.
                long due = Math.Min(frames.Count, (long)(clock.Elapsed.TotalSeconds * perSecond) + 1);
                for (; sent < due; sent++)
                {
                    if (send(fd, frames[sent], frames[sent].Length, 0) < 0)
                    {
                        break; // ENOBUFS: the queue is full; try again after the sleep
                    }
                }
                Thread.Sleep(1);
            }
            return sent;
        }
        finally
        {
            _ = close(fd);
        }
    }

    private static int Open(string interfaceName)
    {
        int fd = socket(AfPacket, SockRaw, 0); // protocol 0: sends only, receives nothing
        if (fd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "socket(AF_PACKET)");
        }
        uint index = if_nametoindex(interfaceName);
        var address = new byte[20]; // struct sockaddr_ll: family, protocol, ifindex, hatype, pkttype, halen, addr[8]
        BitConverter.TryWriteBytes(address.AsSpan(0), (ushort)AfPacket);
        BitConverter.TryWriteBytes(address.AsSpan(4), (int)index);
        if (index == 0 || bind(fd, address, address.Length) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            _ = close(fd);
            throw new Win32Exception(error, $"bind to {interfaceName}");
        }
        return fd;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte[] address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte[] buffer, nint length, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);
}
