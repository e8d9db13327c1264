using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Nfv.Lab;

/// <summary>
/// Runs code inside a named network namespace (<c>ip netns add NAME</c>) without starting a process: on a thread of
/// its own that enters the namespace with setns(2) and ends afterwards, so no other thread ever changes namespace.
/// What the code creates there keeps the namespace: a socket opened inside sends and receives inside for ever,
/// whichever thread uses it later.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where <c>ip netns</c> keeps its names.</summary>
    public const string Directory = "/run/netns";

    /// <summary>
    /// Which namespace the name <paramref name="name"/> stands for now (the inode of its nsfs file), or null when there is
    /// no such name. A namespace deleted and made again under the same name has another identity, which is how nfv tells
    /// that a user recreated a lab host's namespace.
    /// </summary>
    public static ulong? Identity(string name)
    {
        if (!IsName(name))
        {
            return null;
        }
        var buffer = new byte[256];
        // struct stat starts with st_dev (8 bytes) then st_ino (8 bytes) on x86-64 and arm64 alike.
        return Interop.Stat(Path.Combine(Directory, name), buffer) == 0 ? BitConverter.ToUInt64(buffer, 8) : null;
    }

    /// <summary>
    /// Has namespace <paramref name="name"/> resolve <paramref name="address"/>'s MAC (it sends one echo, waiting 300 ms at
    /// most: the ARP exchange is what counts, the echo may go unanswered). Returns why it could not, or null.
    /// </summary>
    public static string? ResolveNeighbour(string name, Ip.Headers.Ipv4Address address)
    {
        var bytes = new byte[4];
        address.Write(bytes);
        try
        {
            Run(name, () =>
            {
                using var ping = new System.Net.NetworkInformation.Ping();
                return ping.Send(new System.Net.IPAddress(bytes), 300).Status;
            });
            return null;
        }
        catch (Exception ex) when (ex is LabException or System.Net.NetworkInformation.PingException or InvalidOperationException)
        {
            return ex.Message;
        }
    }

    /// <summary>Runs <paramref name="body"/> inside namespace <paramref name="name"/> and returns its result (or rethrows what it threw).</summary>
    /// <exception cref="LabException">The namespace does not exist or cannot be entered.</exception>
    public static T Run<T>(string name, Func<T> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(body);
        if (!IsName(name))
        {
            throw new LabException($"'{name}' is not a network namespace name");
        }
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle(Path.Combine(Directory, name)))
                {
                    if (Interop.SetNs((int)handle.DangerousGetHandle(), Interop.CLONE_NEWNET) != 0)
                    {
                        throw new LabException($"cannot enter network namespace '{name}': {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
                    }
                }
                result = body();
            }
            catch (FileNotFoundException)
            {
                failure = ExceptionDispatchInfo.Capture(new LabException($"there is no network namespace '{name}'"));
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            Name = $"nfv-netns-{name}",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>A name <c>ip netns</c> could have made: one path component under <see cref="Directory"/>, never outside it.</summary>
    private static bool IsName(string name) => !string.IsNullOrEmpty(name) && !name.Contains('/') && name is not "." and not "..";
}
