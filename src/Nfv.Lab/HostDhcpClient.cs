using System.Diagnostics;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The DHCP client of one lab host: it runs in the host's network namespace on one interface, gets a lease,
/// configures the interface (address and default route), and keeps renewing until <see cref="StopAsync"/>. Either a
/// real program (<see cref="DhcpClientProcess"/>: dhclient, udhcpc, dhcpcd) or nfv's own (<see cref="BuiltinDhcpClient"/>).
/// </summary>
public abstract class HostDhcpClient : IAsyncDisposable
{
    private const int OutputLinesKept = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Queue<string> _output = new();

    private protected HostDhcpClient(DhcpClientKind kind, string networkNamespace, string interfaceName)
    {
        Kind = kind;
        Namespace = networkNamespace;
        Interface = interfaceName;
    }

    /// <summary>Which client runs (never <see cref="DhcpClientKind.Auto"/>: the choice made).</summary>
    public DhcpClientKind Kind { get; }

    /// <summary>The network namespace it runs in.</summary>
    public string Namespace { get; }

    /// <summary>The interface it configures.</summary>
    public string Interface { get; }

    /// <summary>The current lease; null before the first and after a release or expiry.</summary>
    public abstract DhcpLease? Lease { get; }

    /// <summary>True once the client has ended (stopped, or failed on its own).</summary>
    public abstract bool HasExited { get; }

    /// <summary>
    /// Every event the client saw, in order, upper case: <c>BOUND</c>, <c>RENEW</c>, <c>REBIND</c>, <c>RELEASE</c>... as
    /// each client's script names them (dhclient also <c>PREINIT</c>, udhcpc <c>DECONFIG</c>). Kept after stop.
    /// </summary>
    public abstract IReadOnlyList<string> Events { get; }

    /// <summary>The last lines the client printed or logged, for error messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>How the client ended on its own (<c>ended (exit code 1)</c>), or null while it runs or once stopped by us.</summary>
    private protected abstract string? EndedOnItsOwn { get; }

    /// <summary>
    /// Starts the client <paramref name="kind"/> asks for (<see cref="DhcpClientKind.Auto"/>: the first installed,
    /// else the built-in one, <see cref="DhcpClients.Choose"/>) in <paramref name="networkNamespace"/> on
    /// <paramref name="interfaceName"/>. The client owns the interface's IPv4 addresses from now on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client could not be started (the message says why).</exception>
    public static HostDhcpClient Start(DhcpClientKind kind, string networkNamespace, string interfaceName)
    {
        var probe = new LinuxMachineProbe();
        var chosen = DhcpClients.Choose(kind, probe);
        if (chosen == DhcpClientKind.Builtin)
        {
            return BuiltinDhcpClient.Start(networkNamespace, interfaceName);
        }
        var program = DhcpClients.Program(chosen, probe)
            ?? throw new InvalidOperationException($"{DhcpClients.Name(chosen)} is not installed (Debian package {DhcpClients.Package(chosen)})");
        return DhcpClientProcess.Start(chosen, program, networkNamespace, interfaceName);
    }

    /// <summary>
    /// Runs a client until it has a lease, then stops it (releasing the lease unless <paramref name="release"/>
    /// is false) and returns the lease. Nothing keeps running and nothing is left behind, whatever happens.
    /// </summary>
    /// <exception cref="TimeoutException">No lease within <paramref name="timeout"/>; the message holds the client's output.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the client is stopped all the same).</exception>
    public static async Task<DhcpLease> RunOnceAsync(DhcpClientKind kind, string networkNamespace, string interfaceName, TimeSpan timeout,
        bool release = true, CancellationToken cancellationToken = default)
    {
        await using var client = Start(kind, networkNamespace, interfaceName);
        var lease = await client.WaitForLeaseAsync(timeout, cancellationToken);
        await client.StopAsync(release);
        cancellationToken.ThrowIfCancellationRequested();
        return lease ?? throw new TimeoutException(client.NoLeaseMessage(timeout));
    }

    /// <summary>Why there is no lease, with the events and the client's output: for exceptions and warnings.</summary>
    public string NoLeaseMessage(TimeSpan waited)
    {
        string what = EndedOnItsOwn is { } ended ? $"{ended} without a lease" : $"got no lease within {waited.TotalSeconds:0.#} s";
        return $"{DhcpClients.Name(Kind)} in '{Namespace}' on {Interface} {what} (events: {string.Join(' ', Events)}).\n{Output}";
    }

    /// <summary>
    /// Waits until the client holds a lease and returns it; null when <paramref name="timeout"/> passes first or the
    /// client ends without one. Cancellation returns null too: the client keeps running either way.
    /// </summary>
    public async Task<DhcpLease?> WaitForLeaseAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (Lease is { } lease)
            {
                return lease;
            }
            if (HasExited || Stopwatch.GetTimestamp() >= deadline || cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Stops the client, releasing its lease first unless <paramref name="release"/> is false, and waits for it to end.
    /// Safe to call more than once; bounded to about 20 s even when the client does not cooperate.
    /// </summary>
    public abstract Task StopAsync(bool release = true);

    /// <summary>Stops the client, releasing its lease (<see cref="StopAsync"/>).</summary>
    public virtual async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Resolves the server's MAC in the host's namespace (one echo, 300 ms at most) before a release: a DHCPRELEASE is
    /// unicast, so it may first wait for ARP, and clients take their address away right after sending it, which can
    /// strand the release in the neighbour queue (seen with dhcpcd and the built-in client). Failing is harmless.
    /// </summary>
    private protected void ResolveServer()
    {
        if (Lease?.ServerId is { } server && NetworkNamespace.ResolveNeighbour(Namespace, server) is { } problem)
        {
            Keep($"nfv: could not reach the DHCP server {server} before the release: {problem}");
        }
    }

    /// <summary>Keeps a line of output (the last <c>200</c>) for <see cref="Output"/>.</summary>
    private protected void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}
