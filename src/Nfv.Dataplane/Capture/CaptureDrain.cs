namespace Nfv.Dataplane.Capture;

/// <summary>
/// The thread that writes link captures to their files: every few milliseconds it drains each
/// <see cref="LinkCapture"/>'s ring. It is the only thread that touches the disk for captures, so a
/// slow disk fills the rings (and drops capture frames, counted) but never stalls a worker.
/// </summary>
public sealed class CaptureDrain : IDisposable
{
    private readonly LinkCapture[] _captures;
    private readonly TimeSpan _interval;
    private readonly ManualResetEventSlim _stop = new();
    private Thread? _thread;

    /// <summary>Creates the drain; <see cref="Start"/> starts its thread.</summary>
    /// <param name="captures">The captures to write; they stay owned by the caller.</param>
    /// <param name="interval">How long the thread sleeps when every ring is empty; 10 ms by default.</param>
    public CaptureDrain(IEnumerable<LinkCapture> captures, TimeSpan? interval = null)
    {
        _captures = [.. captures];
        _interval = interval ?? TimeSpan.FromMilliseconds(10);
    }

    /// <summary>Starts the thread (nothing to do without captures).</summary>
    public void Start()
    {
        if (_captures.Length == 0 || _thread is not null)
        {
            return;
        }
        _thread = new Thread(Loop) { Name = "nfv-capture", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Stops the thread after one last drain. The captures' rings may still hold frames recorded since; disposing them writes those.</summary>
    public void Stop()
    {
        _stop.Set();
        _thread?.Join();
        _thread = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    /// <summary>Set when writing a capture failed; capturing stopped then, forwarding did not.</summary>
    public Exception? Fault { get; private set; }

    private void Loop()
    {
        try
        {
            Drain();
        }
        catch (Exception ex)
        {
            // A capture is a diagnostic aid: losing it must not take the dataplane down.
            Fault = ex;
        }
    }

    private void Drain()
    {
        while (true)
        {
            bool stopping = _stop.IsSet;
            int written = 0;
            foreach (var capture in _captures)
            {
                written += capture.Drain();
            }
            if (stopping)
            {
                return;
            }
            if (written == 0)
            {
                _stop.Wait(_interval);
            }
        }
    }
}
