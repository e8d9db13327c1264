using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Nfv.Dataplane.Ports;
using static Nfv.Dataplane.Interop.Interop;

namespace Nfv.Dataplane.Graph;

/// <summary>
/// A run-to-completion worker: one thread that waits on its ports' descriptors with epoll, reads a
/// batch from each ready port, pushes it through the graph and writes what comes out — all on
/// that thread, with no queue between functions. An eventfd wakes it for shutdown (a thread
/// blocked in read() on a TAP would never wake: docs/tap-and-lab-notes.md, trap 4), for the control plane's requests,
/// and for packets another worker handed over while it slept.
/// </summary>
/// <remarks>
/// A worker runs one lane of the graph (<see cref="PacketGraph.Lane"/>): it polls the ports placed on it and takes what
/// the other lanes hand over. Several workers are run together by a <see cref="WorkerGroup"/>.
/// </remarks>
public sealed unsafe class PipelineWorker : IDisposable
{
    private const int TickMilliseconds = 100;
    private const ulong WakeToken = ulong.MaxValue;

    private PacketGraph _graph;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wake;
    private bool[] _registered;
    private PortState[] _reportedStates;
    private bool _replaced; // the graph was replaced while a round of events was handled: the round's tokens are stale
    private int[] _pollable;
    private readonly ConcurrentQueue<Action> _requests = new();
    private readonly long _busyPollTicks;
    private bool _nanosecondWait = true; // epoll_pwait2 until the kernel or libc says it has none
    private Thread? _thread;
    private volatile bool _stopping;

    /// <summary>Creates the worker and registers every pollable port placed on <paramref name="graph"/>'s lane.</summary>
    public PipelineWorker(PacketGraph graph, TimeProvider time, ILogger logger, string name = "nfv-worker-0", TimeSpan? busyPoll = null)
    {
        _busyPollTicks = (long)((busyPoll ?? TimeSpan.FromMicroseconds(50)).TotalSeconds * Stopwatch.Frequency);
        _graph = graph;
        _time = time;
        _logger = logger;
        Name = name;
        _epoll = EpollCreate1(EPOLL_CLOEXEC);
        if (_epoll.IsInvalid)
        {
            ThrowHelper.ThrowIO("epoll_create1");
        }
        _wake = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wake.IsInvalid)
        {
            _epoll.Dispose();
            ThrowHelper.ThrowIO("eventfd");
        }
        Register(_wake, WakeToken);
        _registered = new bool[graph.Ports.Count];
        _reportedStates = new PortState[graph.Ports.Count];
        for (int i = 0; i < graph.Ports.Count; i++)
        {
            RegisterPort(i);
        }
        _pollable = Pollable();
        graph.Doorbell = Wake;
    }

    /// <summary>The worker thread's name.</summary>
    public string Name { get; }

    /// <summary>Set when the worker stopped because something threw: the dataplane is no longer forwarding.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Raised on the worker thread when it stops on a fault.</summary>
    public event Action<Exception>? Faulted;

    /// <summary>Starts the worker thread.</summary>
    public void Start()
    {
        _thread = new Thread(Loop) { Name = Name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>Wakes the worker, lets it finish the batch in hand, and waits for its thread to end.</summary>
    public void Stop()
    {
        _stopping = true;
        Wake();
        _thread?.Join();
        Volatile.Write(ref _thread, null);
        RunRequests();
    }

    /// <summary>
    /// Runs <paramref name="query"/> on the worker thread between two batches and returns its result. This is how
    /// the control plane (the management API) reads a function's tables: the function is never read by two
    /// threads at once, so its tables need no locks on the packet path. Once the worker has stopped, the query
    /// runs on the caller's thread instead.
    /// </summary>
    public Task<T> InvokeAsync<T>(Func<T> query)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Enqueue(() =>
        {
            try
            {
                done.SetResult(query());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        // Never on the caller's thread while the worker thread lives (even while it stops: it may be in its last batch,
        // and a request may change the graph, as attaching a capture does). Stop drains the queue after the thread ended;
        // the second check catches a request queued after that drain.
        if (Volatile.Read(ref _thread) is null)
        {
            RunRequests();
        }
        else
        {
            Wake();
            if (Volatile.Read(ref _thread) is null)
            {
                RunRequests();
            }
        }
        return done.Task;
    }

    /// <summary>
    /// Changes external port <paramref name="port"/> on the worker thread (<c>TapPort.Reopen</c> after its device was
    /// recreated, or <c>TapPort.Close</c>): the port is taken out of epoll first, and polled again afterwards if it then
    /// has a descriptor and is not gone. Throws what <paramref name="change"/> throws; the port is polled as before then.
    /// </summary>
    public Task ChangePortAsync(int port, Action<IFramePort> change) => InvokeAsync(() =>
    {
        Detach(port);
        try
        {
            change(_graph.Ports[port].Port);
        }
        finally
        {
            Attach(port);
        }
        return true;
    });

    /// <summary>Stops polling external port <paramref name="port"/>'s queue, before a change (on the worker thread, or with it parked).</summary>
    internal void Detach(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(port, _registered.Length);
        DeregisterPort(port);
    }

    /// <summary>Polls external port <paramref name="port"/>'s queue again after a change, if it has a descriptor and is not gone.</summary>
    internal void Attach(int port)
    {
        RegisterPort(port);
        _pollable = Pollable();
        ReportStates();
    }

    /// <summary>
    /// Replaces the graph the worker runs, between two batches: <paramref name="replace"/> runs on the worker thread,
    /// given the running graph, and returns the one to run from now on (it may reuse the running graph's ports and
    /// functions, which then go on as they were). If it throws, nothing changes. Ports are polled by their new indices,
    /// and a port kept keeps its reported state. Returns the graph that ran before, which the caller then disposes of
    /// what it no longer runs (on the worker: <see cref="InvokeAsync{T}"/>).
    /// </summary>
    public Task<PacketGraph> ReplaceGraphAsync(Func<PacketGraph, PacketGraph> replace) => InvokeAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(replace);
        var old = _graph;
        Swap(replace(old));
        return old;
    });

    /// <summary>
    /// Makes the worker run <paramref name="next"/> (a lane of the same number): on the worker thread, or on another
    /// while the worker is parked (<see cref="WorkerGroup"/>).
    /// </summary>
    internal void Swap(PacketGraph next)
    {
        var old = _graph;
        var reported = new Dictionary<object, PortState>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < old.Ports.Count; i++)
        {
            DeregisterPort(i);
            reported[old.Ports[i].Port] = _reportedStates[i];
        }
        Volatile.Write(ref _graph, next);
        _registered = new bool[next.Ports.Count];
        _reportedStates = [.. next.Ports.Select(p => reported.GetValueOrDefault(p.Port, PortState.Up))];
        for (int i = 0; i < next.Ports.Count; i++)
        {
            RegisterPort(i);
        }
        _pollable = Pollable();
        _replaced = true;
        next.Doorbell = Wake;
        ReportStates();
    }

    /// <summary>
    /// Parks the worker between two batches: it signals <paramref name="parked"/>, then waits for
    /// <paramref name="resume"/>, touching nothing meanwhile, so another thread may change what it runs. A stopped worker
    /// only signals.
    /// </summary>
    internal void Park(CountdownEvent parked, ManualResetEventSlim resume) => _ = InvokeAsync(() =>
    {
        parked.Signal();
        if (Thread.CurrentThread == Volatile.Read(ref _thread))
        {
            resume.Wait();
        }
        return true;
    });

    /// <summary>The graph the worker runs now (it changes with <see cref="ReplaceGraphAsync"/>).</summary>
    public PacketGraph Graph => Volatile.Read(ref _graph);

    private void Wake()
    {
        ulong one = 1;
        Write(_wake, (byte*)&one, sizeof(ulong));
    }

    private void RunRequests()
    {
        while (_requests.TryDequeue(out var request))
        {
            request();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _wake.Dispose();
        _epoll.Dispose();
    }

    // The queue of the port this worker reads and writes; null when the port is placed on another lane.
    private IFramePort? QueueOf(int port) => _graph.Ports[port].Queues[_graph.Lane];

    private void RegisterPort(int port)
    {
        if (!_registered[port] && QueueOf(port) is { } queue && queue.State != PortState.Gone && queue.PollHandle is { } handle)
        {
            Register(handle, (ulong)port);
            _registered[port] = true;
        }
    }

    private void DeregisterPort(int port)
    {
        if (_registered[port])
        {
            // The descriptor is still open (a gone TAP's fd stays valid), so the kernel can take it out of the set.
            EpollCtl(_epoll, EPOLL_CTL_DEL, (int)QueueOf(port)!.PollHandle!.DangerousGetHandle(), null);
            _registered[port] = false;
        }
    }

    private int[] Pollable()
    {
        var pollable = new List<int>();
        for (int i = 0; i < _registered.Length; i++)
        {
            if (_registered[i])
            {
                pollable.Add(i);
            }
        }
        return [.. pollable];
    }

    /// <summary>
    /// A port whose device is gone makes epoll report it ready for ever (EPOLLERR) and every read fail: stop polling it,
    /// so a vanished lab host costs no CPU. Called after a poll found nothing, which is when a port can have gone.
    /// </summary>
    private void DropIfGone(int port)
    {
        if (_registered[port] && QueueOf(port)!.State == PortState.Gone)
        {
            DeregisterPort(port);
            _pollable = Pollable();
            ReportStates();
        }
    }

    /// <summary>
    /// Logs each port whose state changed since the last report (once per change, never per frame): the ports placed on
    /// this lane, and those with a queue on every lane from lane 0 only.
    /// </summary>
    private void ReportStates()
    {
        for (int i = 0; i < _reportedStates.Length; i++)
        {
            var node = _graph.Ports[i];
            if (node.Lane != _graph.Lane && (node.Lane >= 0 || _graph.Lane != 0))
            {
                continue;
            }
            var port = node.Port;
            var state = port.State;
            if (state == _reportedStates[i])
            {
                continue;
            }
            _reportedStates[i] = state;
            switch (state)
            {
                case PortState.Gone:
                    DataplaneLog.PortGone(_logger, port.Name);
                    break;
                case PortState.NoCarrier:
                    DataplaneLog.PortNoCarrier(_logger, port.Name);
                    break;
                default:
                    DataplaneLog.PortUp(_logger, port.Name);
                    break;
            }
        }
    }

    private void Register(SafeHandle handle, ulong token)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = EPOLLIN;
        *(ulong*)(ev + EpollDataOffset) = token;
        if (EpollCtl(_epoll, EPOLL_CTL_ADD, (int)handle.DangerousGetHandle(), ev) < 0)
        {
            ThrowHelper.ThrowIO("epoll_ctl(EPOLL_CTL_ADD)");
        }
    }

    // How long epoll may sleep, in nanoseconds: the regular tick, or less when a function asked to be woken sooner
    // (a delay line, a shaper's queue).
    private long WaitNanoseconds()
    {
        const long tick = TickMilliseconds * 1_000_000L;
        long wake = _graph.NextWake;
        if (wake == long.MaxValue)
        {
            return tick;
        }
        long ticks = wake - _time.GetTimestamp();
        return ticks <= 0 ? 0 : (long)Int128.Min(tick, (((Int128)ticks * 1_000_000_000) + _time.TimestampFrequency - 1) / _time.TimestampFrequency);
    }

    // epoll_pwait2 sleeps to the nanosecond (the worker's timer slack set to 1 µs), so a function's wake request is met
    // within tens of microseconds; where the kernel or libc lacks it, epoll_wait, rounded up to the millisecond.
    private int Wait(byte* events, int maxEvents)
    {
        long nanoseconds = WaitNanoseconds();
        if (_nanosecondWait)
        {
            var timeout = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            try
            {
                int ready = EpollPwait2(_epoll, events, maxEvents, &timeout, null);
                if (ready >= 0 || LastError != Error.ENOSYS)
                {
                    return ready;
                }
            }
            catch (EntryPointNotFoundException)
            {
            }
            _nanosecondWait = false;
        }
        return EpollWait(_epoll, events, maxEvents, (int)((nanoseconds + 999_999) / 1_000_000));
    }

    // The timers functions asked for, due by now, and every 100 ms the regular tick.
    private void RunTimers(ref long nextTick)
    {
        long now = _time.GetTimestamp();
        _graph.RunTimers(now);
        if (_time.GetElapsedTime(nextTick, now) >= TimeSpan.FromMilliseconds(TickMilliseconds))
        {
            nextTick = now;
            _graph.Tick();
            ReportStates(); // a port that lost or regained its carrier while sending
        }
    }

    private void Loop()
    {
        const int MaxEvents = 64;
        int stride = EpollEventSize;
        byte* events = stackalloc byte[MaxEvents * 16];
        long nextTick = _time.GetTimestamp();
        // The kernel may add this much to every sleep to batch wake-ups (50 µs by default): 1 µs, for delay lines on time.
        _ = Prctl(PR_SET_TIMERSLACK, 1_000);
        try
        {
            _graph.Pool.BindToCurrentThread();
            while (!_stopping)
            {
                int ready = 0;
                if (_graph.TrySleep())
                {
                    ready = Wait(events, MaxEvents);
                    _graph.Woke();
                }
                if (ready < 0)
                {
                    if (LastError == Error.EINTR)
                    {
                        continue;
                    }
                    ThrowHelper.ThrowIO("epoll_wait");
                }
                bool busy = _graph.PollHandoffs() > 0;
                for (int i = 0; i < ready && !_stopping; i++)
                {
                    ulong token = *(ulong*)(events + (i * stride) + EpollDataOffset);
                    if (token != WakeToken)
                    {
                        if (!_registered[(int)token])
                        {
                            // Taken out of epoll by a request that ran earlier in this same round of events (a lab host
                            // closed or given a new device): this event is about a descriptor that is gone.
                            continue;
                        }
                        // Level-triggered: a port with more than one batch waiting is reported
                        // again on the next wait, after every other ready port had its turn.
                        if (_graph.Poll((int)token) > 0)
                        {
                            busy = true;
                        }
                        else
                        {
                            DropIfGone((int)token);
                        }
                    }
                    else
                    {
                        ulong count;
                        Read(_wake, (byte*)&count, sizeof(ulong)); // re-arms the eventfd
                        RunRequests();
                        if (_replaced)
                        {
                            _replaced = false;
                            break; // the other events of this round name ports by the old graph's indices
                        }
                    }
                }
                // While traffic flows, go round the ports again before waiting, until they have been
                // quiet for the busy-poll time: a read that finds nothing costs less than sleeping in
                // epoll_wait and being woken for the next frame a few microseconds later. Under constant load that
                // is for as long as the load lasts, so each round also does what waking from epoll would: the
                // control plane's requests, the timers functions asked for, the regular tick.
                if (busy && _busyPollTicks > 0)
                {
                    long lastSeen = Stopwatch.GetTimestamp();
                    while (!_stopping && Stopwatch.GetTimestamp() - lastSeen < _busyPollTicks)
                    {
                        foreach (int port in _pollable)
                        {
                            if (_graph.Poll(port) > 0)
                            {
                                lastSeen = Stopwatch.GetTimestamp();
                            }
                            else
                            {
                                DropIfGone(port);
                            }
                        }
                        if (_graph.PollHandoffs() > 0)
                        {
                            lastSeen = Stopwatch.GetTimestamp();
                        }
                        if (!_requests.IsEmpty)
                        {
                            RunRequests(); // the eventfd stays set: the next wait returns at once and finds none
                            _replaced = false; // the next round of ports reads the new _pollable
                        }
                        RunTimers(ref nextTick);
                    }
                }
                RunTimers(ref nextTick);
            }
        }
        catch (Exception ex)
        {
            Fault = ex;
            DataplaneLog.WorkerFaulted(_logger, ex, Name);
            Faulted?.Invoke(ex);
        }
        RunRequests();
    }
}
