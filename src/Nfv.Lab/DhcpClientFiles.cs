using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The per-run folder of one DHCP client: its script, what the script records, and the client's own state
/// files. Nothing the client writes goes anywhere else, and the folder is removed when the client stops.
/// </summary>
internal sealed class DhcpClientFiles(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The script the client runs on every event (<see cref="DhcpClientScript"/>).</summary>
    public string Script => Path.Combine(Directory, "client-script");

    /// <summary>The current lease as <c>key=value</c> lines (<see cref="DhcpLease.Parse"/>); absent while there is none.</summary>
    public string Lease => Path.Combine(Directory, "lease");

    /// <summary>One line per script run: the reason, upper case (<c>PREINIT</c>, <c>BOUND</c>, <c>RENEW</c>, <c>RELEASE</c>, <c>DECONFIG</c>...).</summary>
    public string Events => Path.Combine(Directory, "events");

    /// <summary>
    /// dhclient's configuration (<c>-cf</c>), ours rather than the machine's /etc/dhcp/dhclient.conf: only
    /// <see cref="DhclientConfText"/>.
    /// </summary>
    public string DhclientConf => Path.Combine(Directory, "dhclient.conf");

    /// <summary>
    /// dhclient gives up a round after 60 s without an offer and then waits <c>retry</c> (default 5 minutes) before
    /// the next: a lab whose server comes up late (a slow VM behind a TAP) would wait minutes. Everything else
    /// stays at dhclient's defaults, as with <c>-cf /dev/null</c>.
    /// </summary>
    public const string DhclientConfText = "# Written by nfv: try again 10 s after a round without offers (the default is 5 minutes).\nretry 10;\n";

    /// <summary>dhclient's pid file (<c>-pf</c>): how <c>dhclient -r</c> finds the client to stop.</summary>
    public string DhclientPid => Path.Combine(Directory, "dhclient.pid");

    /// <summary>dhclient's lease database (<c>-lf</c>).</summary>
    public string DhclientLeases => Path.Combine(Directory, "dhclient.leases");

    /// <summary>Creates a private folder under the temp directory (mode 0700).</summary>
    public static DhcpClientFiles Create(DhcpClientKind kind)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory($"nfv-{DhcpClients.Name(kind)}-").FullName;
        if (kind == DhcpClientKind.Dhcpcd && (directory.StartsWith("/run/", StringComparison.Ordinal) || directory.StartsWith("/var/lib/dhcpcd/", StringComparison.Ordinal)))
        {
            System.IO.Directory.Delete(directory);
            throw new InvalidOperationException(
                $"the temp folder {directory} lies under /run or /var/lib/dhcpcd, which dhcpcd's private tmpfs mounts hide; set TMPDIR elsewhere");
        }
        return new DhcpClientFiles(directory);
    }

    /// <summary>The lines of <see cref="Events"/>, or none yet.</summary>
    public IReadOnlyList<string> ReadEvents() =>
        File.Exists(Events) ? File.ReadAllLines(Events).Where(l => l.Length > 0).ToArray() : [];

    /// <summary>The lease the script last recorded, or null.</summary>
    public DhcpLease? ReadLease()
    {
        try
        {
            return DhcpLease.Parse(File.ReadAllText(Lease));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
