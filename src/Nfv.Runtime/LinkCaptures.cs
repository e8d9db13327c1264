using Nfv.Dataplane.Capture;
using Nfv.Dataplane.Ports;
using Nfv.Topology;

namespace Nfv.Runtime;

/// <summary>
/// The pcap captures a topology asks for (<c>capture:</c> on a link): one <see cref="LinkCapture"/> per
/// captured link, and, in <c>nfv run</c>, the <see cref="CaptureDrain"/> thread that writes them.
/// Disposing (after the worker stopped) writes what is left and closes the files.
/// </summary>
public sealed class LinkCaptures : IDisposable
{
    private readonly Dictionary<string, LinkCapture> _captures; // by the link's name (a <-> b), which nfv apply keeps
    private CaptureDrain? _drain;

    private LinkCaptures(Dictionary<string, LinkCapture> captures) => _captures = captures;

    /// <summary>The captures, in link order.</summary>
    public IReadOnlyCollection<LinkCapture> All => _captures.Values;

    /// <summary>Creates every capture file of <paramref name="topology"/> (truncating old ones), stamping frames with <paramref name="time"/>.</summary>
    /// <exception cref="IOException">A file cannot be created; none is left open.</exception>
    public static LinkCaptures Open(ResolvedTopology topology, TimeProvider time)
    {
        var captures = new Dictionary<string, LinkCapture>(StringComparer.Ordinal);
        try
        {
            foreach (var link in topology.Links)
            {
                if (link.Capture is { } path)
                {
                    captures.Add(link.ToString(), new LinkCapture(link.ToString(), PcapWriter.Create(path), time));
                }
            }
        }
        catch
        {
            foreach (var capture in captures.Values)
            {
                capture.Dispose();
            }
            throw;
        }
        return new LinkCaptures(captures);
    }

    /// <summary>Set when the drain thread failed writing a file: capturing stopped then (frames since are dropped and counted), forwarding did not.</summary>
    public Exception? Fault => _drain?.Fault;

    /// <summary>
    /// The capture of <paramref name="link"/>, or null: of the link of its name in the topology the captures were opened
    /// for (a capture set or changed by <c>nfv apply</c> takes effect at the next start).
    /// </summary>
    public LinkCapture? For(ResolvedLink link) => _captures.GetValueOrDefault(link.ToString());

    /// <summary>Starts the thread that writes the captures while the worker runs.</summary>
    public void StartDrain()
    {
        _drain ??= new CaptureDrain(_captures.Values);
        _drain.Start();
    }

    /// <summary>Writes what the captures hold now, on this thread (offline replay, where nothing runs concurrently).</summary>
    public void DrainNow()
    {
        foreach (var capture in _captures.Values)
        {
            capture.Drain();
        }
    }

    /// <summary>Stops the drain, writes what is left and closes every file; an I/O error on one file (a full disk) is rethrown after the others are closed.</summary>
    public void Dispose()
    {
        _drain?.Dispose();
        IOException? first = null;
        foreach (var capture in _captures.Values)
        {
            try
            {
                capture.Dispose();
            }
            catch (IOException ex)
            {
                first ??= ex;
            }
        }
        if (first is not null)
        {
            throw first;
        }
    }
}
