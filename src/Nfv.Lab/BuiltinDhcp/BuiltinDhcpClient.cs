using Nfv.Ip.Headers;
using Nfv.Topology;

namespace Nfv.Lab;

/// <summary>
/// The DHCP client built into nfv (<c>dhcp-client: builtin</c>, and what <c>auto</c> falls back to when no real client is
/// installed): RFC 2131 §4.4 from INIT to BOUND, RENEWING and REBINDING, with RELEASE at stop. It runs inside nfv, not as
/// a process: its socket lives in the host's namespace (<see cref="NamespaceDhcpTransport"/>) and it sets the address and
/// default route with <c>ip</c>, as the other clients' scripts do.
/// </summary>
/// <remarks>
/// Timing (lab-sized, not RFC 2131's 4 s to 64 s): DISCOVER is resent after 1, 2, 4, then every 8 s until an offer
/// comes; a REQUEST gets four tries (1, 2, 4, 8 s) before the client starts over; at T1 (option 58, else half the
/// lease) it renews with the server by unicast, at T2 (option 59, else 7/8 of the lease) it rebinds by broadcast,
/// each time waiting half the time left (1 s to 60 s) between tries; at expiry it drops the address and starts over.
/// After a lease ended it asks for the same address again (option 50). Not done: the ARP check of an offered address
/// (and so DECLINE), INFORM, and keeping a lease across restarts of nfv.
/// </remarks>
public sealed class BuiltinDhcpClient : HostDhcpClient
{
    private static readonly Ipv4Address Broadcast = new(0xFFFFFFFF);

    private readonly IDhcpClientTransport _transport;
    private readonly TimeProvider _time;
    private readonly BuiltinDhcpClientTimings _timings;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _events = [];
    private readonly byte[] _receiveBuffer = new byte[1500];
    private readonly Lock _stopLock = new();
    private readonly Task _run;
    private Task? _stopping;
    private volatile DhcpLease? _lease;
    private volatile bool _stoppedByUs;
    private string? _failure;

    internal BuiltinDhcpClient(string networkNamespace, string interfaceName, IDhcpClientTransport transport,
        TimeProvider? time = null, BuiltinDhcpClientTimings? timings = null)
        : base(DhcpClientKind.Builtin, networkNamespace, interfaceName)
    {
        _transport = transport;
        _time = time ?? TimeProvider.System;
        _timings = timings ?? new BuiltinDhcpClientTimings();
        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Starts the client in <paramref name="networkNamespace"/> on <paramref name="interfaceName"/>.</summary>
    /// <exception cref="InvalidOperationException">The namespace, the interface or port 68 there is not usable.</exception>
    public static BuiltinDhcpClient Start(string networkNamespace, string interfaceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(networkNamespace);
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        try
        {
            return new BuiltinDhcpClient(networkNamespace, interfaceName, NamespaceDhcpTransport.Open(networkNamespace, interfaceName));
        }
        catch (LabException ex)
        {
            throw new InvalidOperationException($"could not start the built-in DHCP client in '{networkNamespace}': {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public override DhcpLease? Lease => _lease;

    /// <inheritdoc/>
    public override bool HasExited => _run.IsCompleted;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    private protected override string? EndedOnItsOwn => _run.IsCompleted && !_stoppedByUs ? $"ended ({_failure ?? "no reason given"})" : null;

    /// <inheritdoc/>
    public override Task StopAsync(bool release = true)
    {
        lock (_stopLock)
        {
            return _stopping ??= StopCoreAsync(release);
        }
    }

    private async Task StopCoreAsync(bool release)
    {
        _stoppedByUs = !_run.IsCompleted;
        await _stop.CancelAsync();
        await _run;
        try
        {
            if (_lease is { } lease)
            {
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                if (release && lease.ServerId is { } server)
                {
                    if (_transport.ResolveServer(server) is { } problem)
                    {
                        Keep($"nfv: could not reach the DHCP server {server} before the release: {problem}");
                    }
                    await _transport.SendAsync(DhcpClientMessage.Build(DhcpClientMessageType.Release, NewTransactionId(), _transport.Mac, 0,
                        lease.Address.Address, broadcast: false, serverId: server), server, bounded.Token);
                    Event("RELEASE");
                    await _transport.DeconfigureAsync(lease, bounded.Token);
                }
                else
                {
                    Event("STOP");
                }
                _lease = null;
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or LabException or OperationCanceledException)
        {
            Keep($"nfv: could not release the lease: {ex.Message}");
        }
        finally
        {
            _transport.Dispose();
            _stop.Dispose();
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            Ipv4Address? previous = null;
            while (true)
            {
                var offer = await SelectAsync(previous, stop);
                if (await RequestAsync(offer, stop) is not { } ack)
                {
                    continue;
                }
                await BindAsync(ack, "BOUND", stop);
                previous = ack.YourAddress;
                await HoldAsync(ack, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The namespace or its interface went away, or ip failed: the client ends, and says why.
            _failure = ex.Message;
            Keep($"nfv: the built-in DHCP client stopped: {ex.Message}");
        }
    }

    /// <summary>INIT and SELECTING: DISCOVER until a server offers an address (the first offer wins).</summary>
    private async Task<DhcpReply> SelectAsync(Ipv4Address? previous, CancellationToken stop)
    {
        uint xid = NewTransactionId();
        long started = _time.GetTimestamp();
        var wait = _timings.FirstRetransmit;
        while (true)
        {
            await SendAsync(DhcpClientMessageType.Discover, xid, started, default, broadcast: true, Broadcast, stop, requested: previous);
            if (await ReceiveAsync(xid, wait, r => r.Type == DhcpClientMessageType.Offer && r.ServerId is not null && r.YourAddress.Value != 0, stop) is { } offer)
            {
                Keep($"offer of {offer.YourAddress} from {offer.ServerId}");
                return offer;
            }
            wait = Min(wait * 2, _timings.LastRetransmit);
        }
    }

    /// <summary>REQUESTING: asks for the offered address; null after a NAK or when no answer comes (start over).</summary>
    private async Task<DhcpReply?> RequestAsync(DhcpReply offer, CancellationToken stop)
    {
        uint xid = NewTransactionId();
        long started = _time.GetTimestamp();
        var wait = _timings.FirstRetransmit;
        for (int attempt = 0; attempt < _timings.RequestAttempts; attempt++)
        {
            await SendAsync(DhcpClientMessageType.Request, xid, started, default, broadcast: true, Broadcast, stop,
                requested: offer.YourAddress, server: offer.ServerId);
            var reply = await ReceiveAsync(xid, wait, r =>
                (r.Type == DhcpClientMessageType.Ack && r.YourAddress == offer.YourAddress)
                || (r.Type == DhcpClientMessageType.Nak && (r.ServerId is null || r.ServerId == offer.ServerId)), stop);
            if (reply?.Type == DhcpClientMessageType.Ack)
            {
                return reply;
            }
            if (reply?.Type == DhcpClientMessageType.Nak)
            {
                Event("NAK");
                return null;
            }
            wait = Min(wait * 2, _timings.LastRetransmit);
        }
        Keep($"no answer from {offer.ServerId} to the request for {offer.YourAddress}; starting over");
        return null;
    }

    /// <summary>BOUND, RENEWING, REBINDING: keeps the lease until it is lost (a NAK, or expiry without an answer).</summary>
    private async Task HoldAsync(DhcpReply ack, CancellationToken stop)
    {
        while (true)
        {
            long boundAt = _time.GetTimestamp();
            if (ack.LeaseTime is not { } leaseTime || leaseTime == TimeSpan.FromSeconds(uint.MaxValue))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, stop); // an infinite lease
                continue;
            }
            var renewal = ack.RenewalTime ?? leaseTime / 2;
            var rebinding = ack.RebindingTime ?? leaseTime * 7 / 8;
            await DelayUntilAsync(boundAt, renewal, stop);
            string reason = "RENEW";
            var reply = await ExtendAsync(ack, boundAt, rebinding, Target(ack), stop);
            if (reply is null)
            {
                reason = "REBIND";
                reply = await ExtendAsync(ack, boundAt, leaseTime, Broadcast, stop);
            }
            if (reply?.Type != DhcpClientMessageType.Ack)
            {
                await _transport.DeconfigureAsync(_lease!, stop);
                _lease = null;
                Event(reply is null ? "EXPIRE" : "NAK");
                return;
            }
            await BindAsync(reply, reason, stop);
            ack = reply;
        }

        static Ipv4Address Target(DhcpReply ack) => ack.ServerId ?? Broadcast;
    }

    /// <summary>Asks to extend the lease until <paramref name="until"/> (after <paramref name="boundAt"/>); the answer, or null.</summary>
    private async Task<DhcpReply?> ExtendAsync(DhcpReply ack, long boundAt, TimeSpan until, Ipv4Address destination, CancellationToken stop)
    {
        uint xid = NewTransactionId();
        long started = _time.GetTimestamp();
        while (_time.GetElapsedTime(boundAt) < until)
        {
            var left = until - _time.GetElapsedTime(boundAt);
            var wait = Min(left, Max(_timings.FirstRetransmit, Min(left / 2, TimeSpan.FromSeconds(60))));
            await SendAsync(DhcpClientMessageType.Request, xid, started, ack.YourAddress, broadcast: false, destination, stop);
            if (await ReceiveAsync(xid, wait, r => r.Type is DhcpClientMessageType.Ack or DhcpClientMessageType.Nak, stop) is { } reply)
            {
                return reply;
            }
        }
        return null;
    }

    private async Task BindAsync(DhcpReply ack, string reason, CancellationToken stop)
    {
        var lease = ack.ToLease(reason);
        await _transport.ConfigureAsync(lease, _lease, stop);
        _lease = lease;
        Event(reason);
        Keep($"{reason.ToLowerInvariant()}: {lease}");
    }

    private async Task SendAsync(DhcpClientMessageType type, uint xid, long started, Ipv4Address clientAddress, bool broadcast,
        Ipv4Address destination, CancellationToken stop, Ipv4Address? requested = null, Ipv4Address? server = null)
    {
        ushort seconds = (ushort)Math.Min(ushort.MaxValue, _time.GetElapsedTime(started).TotalSeconds);
        var message = DhcpClientMessage.Build(type, xid, _transport.Mac, seconds, clientAddress, broadcast, requested, server, Namespace);
        await _transport.SendAsync(message, destination, stop);
    }

    /// <summary>The first reply to <paramref name="xid"/> that <paramref name="wanted"/> accepts within <paramref name="timeout"/>, or null.</summary>
    private async Task<DhcpReply?> ReceiveAsync(uint xid, TimeSpan timeout, Func<DhcpReply, bool> wanted, CancellationToken stop)
    {
        using var expiry = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, expiry.Token);
        try
        {
            while (true)
            {
                int length = await _transport.ReceiveAsync(_receiveBuffer, linked.Token);
                if (DhcpClientMessage.ParseReply(_receiveBuffer.AsSpan(0, length), xid, _transport.Mac) is { } reply && wanted(reply))
                {
                    return reply;
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task DelayUntilAsync(long since, TimeSpan after, CancellationToken stop)
    {
        var left = after - _time.GetElapsedTime(since);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, _time, stop);
        }
    }

    private void Event(string name)
    {
        lock (_events)
        {
            _events.Add(name);
        }
    }

    private static uint NewTransactionId() => (uint)Random.Shared.NextInt64(1, uint.MaxValue);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The built-in client's retransmission timing (see <see cref="BuiltinDhcpClient"/>'s remarks); tests shorten it.</summary>
internal sealed record BuiltinDhcpClientTimings
{
    /// <summary>The wait after a first DISCOVER or REQUEST; doubled after each unanswered one.</summary>
    public TimeSpan FirstRetransmit { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two DISCOVERs or REQUESTs.</summary>
    public TimeSpan LastRetransmit { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>REQUESTs sent for an offer before starting over.</summary>
    public int RequestAttempts { get; init; } = 4;
}
