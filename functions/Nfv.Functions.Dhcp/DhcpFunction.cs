using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Abstractions.Configuration;
using Nfv.Abstractions.Headers;
using Nfv.Abstractions.Inspection;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// The DHCP server function (<c>kind: dhcp</c>): a host on its segment with one port, which answers ARP for its
/// address and ICMP echo (through <see cref="Ipv4Endpoint"/>, as the router does), and serves DHCP on UDP port 67:
/// local clients by broadcast or unicast and relayed ones through their relay (giaddr).
/// </summary>
/// <remarks>
/// <para>
/// Nothing is lost: an ACK leaves only after its lease is on disk. The ACKs of a batch wait in a list while the
/// batch is handled; at the end of it the lease file is written and flushed once (group commit) and then they are
/// sent — or, when the disk fails, dropped as <see cref="DhcpDrop.PersistFailed"/> (the client retries). OFFERs,
/// NAKs and INFORM answers promise nothing and leave at once.
/// </para>
/// <para>Single-threaded like every function: the worker that runs it owns its tables. DHCP is the slow path, so
/// parsing allocates; ARP and ICMP echo do not.</para>
/// </remarks>
public sealed partial class DhcpFunction : INetworkFunction, IReconfigurableFunction, IDisposable
{
    private const int IpOffset = EthernetHeader.Size;
    private const int Port = 0;
    private static readonly TimeSpan s_warningInterval = TimeSpan.FromMinutes(1);

    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseFile? _file;
    private readonly List<Packet> _waitingForDisk = [];
    private DhcpServerOptions _options;
    private Ipv4Endpoint _endpoint;
    private DhcpServer _server;
    private ClientRateLimiter _limiter;
    private SourceLimiter _sources;
    private Ipv4Address _subnetBroadcast;
    private long _lastSweep;
    private DateTimeOffset _lastPoolWarning = DateTimeOffset.MinValue;
    private ushort _identification;

    /// <summary>
    /// Creates the server <paramref name="name"/>. With a <paramref name="leaseFile"/>, the leases in
    /// <paramref name="restored"/> are put back first and every change is written to it; without, leases live in
    /// memory only (offline replay, tests).
    /// </summary>
    public DhcpFunction(string name, DhcpServerOptions options, TimeProvider time, ILogger? logger = null,
        LeaseFile? leaseFile = null, IReadOnlyList<LeaseRecord>? restored = null, IReadOnlyList<int>? unreadableLines = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _name = name;
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _file = leaseFile;
        var leases = new LeaseDatabase(options.Subnets, options.Reservations, options.Address.Address, leaseFile);
        Adopt(options, leases);
        long now = Now();
        _lastSweep = now;
        if (restored is not null)
        {
            int orphans = leases.Restore(restored, now);
            var unreadable = unreadableLines ?? [];
            DhcpLog.Restored(_logger, name, leases.Count, leaseFile?.Path ?? "memory", unreadable.Count, orphans);
            if (unreadable.Count > 0)
            {
                DhcpLog.UnreadableLines(_logger, name, leaseFile?.Path ?? "memory", string.Join(", ", unreadable.Take(20)) + (unreadable.Count > 20 ? ", ..." : ""));
            }
        }
    }

    // The settings and the leases to serve with, at start and at each Reconfigure. The address's endpoint (with its ARP
    // cache) is made anew only when the server's address or MAC changes.
    [MemberNotNull(nameof(_options), nameof(_endpoint), nameof(_server), nameof(_limiter), nameof(_sources))]
    private void Adopt(DhcpServerOptions options, LeaseDatabase leases)
    {
        if (_options is not { } before || _endpoint is null || options.Address != before.Address || options.Mac != before.Mac)
        {
            var arp = new ArpTable(capacity: 64, reachableTime: TimeSpan.FromMinutes(5), queueDepth: 0, queueTotal: 1,
                retryInterval: TimeSpan.FromSeconds(1), attempts: 1, timestampFrequency: _time.TimestampFrequency, bufferSize: Packet.DefaultHeadroom + 64);
            _endpoint = new Ipv4Endpoint([(options.Mac, [options.Address])], arp);
            _subnetBroadcast = new Ipv4Address(options.Address.Address.Value | ~options.Address.Mask);
        }
        _options = options;
        _server = new DhcpServer(options, leases, Counters);
        _limiter = new ClientRateLimiter(options.RateLimit);
        _sources = new SourceLimiter(options.ClientsPerSource, (long)options.Subnets[0].LeaseTime.TotalSeconds);
    }

    /// <summary>
    /// Takes new settings while it runs (<c>nfv apply</c>): the leases that still fit stay, with their clients and times —
    /// an address inside a new pool or reserved, for the same client if reserved — and the others are forgotten, on disk
    /// too, so their clients get a new address at their next renewal (a NAK: the address is no longer this server's). The
    /// server's own address and MAC may change; its ARP cache stays when they do not.
    /// </summary>
    public bool Reconfigure(ConfigMapping config, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var options = DhcpFunctionFactory.ReadOptions(_name, config, diagnostics);
        if (options is null || diagnostics.HasErrors)
        {
            return false;
        }
        long now = Now();
        var leases = new LeaseDatabase(options.Subnets, options.Reservations, options.Address.Address, _file);
        var kept = Leases.Leases.Where(l => l.State != LeaseState.Offered && Fits(l, options, leases)).ToList();
        leases.Restore(kept.Select(LeaseRecord.From), now);
        int forgotten = Leases.Count - kept.Count;
        Adopt(options, leases);
        if (_file is not null)
        {
            try
            {
                _file.Compact(leases.Leases); // the file now holds exactly what the server does
            }
            catch (IOException e)
            {
                DhcpLog.CompactFailed(_logger, e, _name, _file.Path);
            }
        }
        DhcpLog.Reconfigured(_logger, _name, kept.Count, forgotten);
        return true;

        static bool Fits(Lease lease, DhcpServerOptions options, LeaseDatabase leases)
        {
            var reservation = options.Reservations.FirstOrDefault(r => r.Address == lease.Address);
            if (reservation is not null)
            {
                return reservation.Mac is not { } mac || mac == lease.Mac;
            }
            return leases.SubnetOf(lease.Address) is { } subnet && subnet.InPool(lease.Address);
        }
    }

    /// <summary>What the server did.</summary>
    public EventCounters<DhcpEvent> Counters { get; } = new();

    /// <summary>The leases (read them on the worker thread).</summary>
    public LeaseDatabase Leases => _server.Leases;

    /// <inheritdoc/>
    public void Process(PacketBatch batch, Emitter emit)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(emit);
        var now = _time.GetUtcNow();
        for (int i = 0; i < batch.Count; i++)
        {
            Receive(batch[i], emit, now);
        }
        if (_waitingForDisk.Count != 0 || _file is { HasPending: true })
        {
            CommitAndSend(emit);
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit)
    {
        long now = Now();
        if (now == _lastSweep)
        {
            return;
        }
        _lastSweep = now;
        Counters.Add(DhcpEvent.LeasesExpired, Leases.Expire(now));
        _limiter.Forget(now);
        _sources.Forget(now);
        if (_file is not null && _file.LinesSinceCompaction > Math.Max(1024, 4 * Leases.Count))
        {
            try
            {
                _file.Compact(Leases.Leases);
            }
            catch (IOException e)
            {
                DhcpLog.CompactFailed(_logger, e, _name, _file.Path);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file?.Dispose();

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    private void Receive(Packet packet, Emitter emit, DateTimeOffset now)
    {
        var frame = packet.Data;
        if (frame.Length < EthernetHeader.Size)
        {
            emit.Drop(packet, DhcpDrop.Runt);
            return;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[EthernetHeader.TypeOffset..]);
        if (type == EthernetHeader.TypeArp)
        {
            ReceiveArp(packet, emit);
        }
        else if (type == EthernetHeader.TypeIpv4)
        {
            ReceiveIpv4(packet, emit, now);
        }
        else
        {
            emit.Drop(packet, DhcpDrop.UnsupportedEtherType);
        }
    }

    private void ReceiveArp(Packet packet, Emitter emit)
    {
        switch (_endpoint.ReceiveArp(packet, Port, _time.GetTimestamp(), emit, out _, out _))
        {
            case ArpReceiveResult.Replied:
                Counters.Increment(DhcpEvent.ArpReplies);
                break;
            case ArpReceiveResult.Consumed:
                emit.Drop(packet, DhcpDrop.ArpConsumed);
                break;
            default:
                emit.Drop(packet, DhcpDrop.BadArp);
                break;
        }
    }

    private void ReceiveIpv4(Packet packet, Emitter emit, DateTimeOffset now)
    {
        var frame = packet.Data;
        var destinationMac = EthernetHeader.Destination(frame);
        if (!destinationMac.IsMulticast && destinationMac != _options.Mac)
        {
            emit.Drop(packet, DhcpDrop.OtherHost);
            return;
        }
        var check = Ipv4Header.Check(frame[IpOffset..]);
        if (check != Ipv4HeaderCheck.Valid)
        {
            emit.Drop(packet, check switch
            {
                Ipv4HeaderCheck.Truncated => DhcpDrop.Truncated,
                Ipv4HeaderCheck.BadChecksum => DhcpDrop.BadChecksum,
                _ => DhcpDrop.BadIpHeader,
            });
            return;
        }
        var ip = frame[IpOffset..];
        int total = Ipv4Header.TotalLength(ip);
        ip = ip[..total]; // Ethernet padding is not part of the datagram
        if (Ipv4Header.IsFragment(ip))
        {
            emit.Drop(packet, DhcpDrop.Fragment);
            return;
        }
        var destination = Ipv4Header.Destination(ip);
        bool toUs = destination == _options.Address.Address;
        if (!toUs && !Ipv4Frames.IsLimitedBroadcast(destination) && destination != _subnetBroadcast)
        {
            emit.Drop(packet, DhcpDrop.NotForUs);
            return;
        }
        int headerLength = Ipv4Header.HeaderLength(ip);
        byte protocol = Ipv4Header.Protocol(ip);
        if (protocol == Ipv4Header.ProtocolIcmp && toUs && total - headerLength >= IcmpHeader.Size &&
            ip[headerLength] == IcmpHeader.TypeEchoRequest && !destinationMac.IsMulticast)
        {
            packet.SetLength(IpOffset + total);
            Ipv4Frames.AnswerEchoRequest(packet, _options.Mac, _options.Address.Address);
            Counters.Increment(DhcpEvent.EchoReplies);
            emit.To(Port, packet);
            return;
        }
        if (protocol != Ipv4Header.ProtocolUdp)
        {
            emit.Drop(packet, DhcpDrop.Unserved);
            return;
        }
        var udp = ip[headerLength..];
        if (udp.Length < UdpHeader.Size || UdpHeader.Length(udp) < UdpHeader.Size || UdpHeader.Length(udp) > udp.Length)
        {
            emit.Drop(packet, DhcpDrop.Truncated);
            return;
        }
        udp = udp[..UdpHeader.Length(udp)];
        if (UdpHeader.DestinationPort(udp) != DhcpReplyWriter.ServerPort)
        {
            emit.Drop(packet, DhcpDrop.Unserved);
            return;
        }
        // A zero UDP checksum means none (RFC 768); a partial one (virtio NEEDS_CSUM) is not finished yet.
        if (BinaryPrimitives.ReadUInt16BigEndian(udp[UdpHeader.ChecksumOffset..]) != 0 && !packet.Offload.NeedsChecksum &&
            !Checksum.IsValid(udp, Checksum.PseudoHeaderSum(Ipv4Header.Source(ip), destination, Ipv4Header.ProtocolUdp, udp.Length)))
        {
            emit.Drop(packet, DhcpDrop.BadUdpChecksum);
            return;
        }
        ReceiveDhcp(packet, udp[UdpHeader.Size..], emit, now);
    }

    private void ReceiveDhcp(Packet packet, ReadOnlySpan<byte> payload, Emitter emit, DateTimeOffset now)
    {
        if (DhcpMessage.Parse(payload, out var problem) is not { } message)
        {
            emit.Drop(packet, problem);
            return;
        }
        var source = EthernetHeader.Source(packet.Data);
        bool relayed = message.RelayAddress.Value != 0;
        if (_options.VerifyMac && !relayed && message.ClientMac != source)
        {
            emit.Drop(packet, DhcpDrop.MacMismatch);
            return;
        }
        // A relay of a configured subnet carries many clients; a verified client is its own source; a "relay" on the
        // server's own segment (or any client, without verify-mac) may speak for a few at most.
        bool metered = relayed ? _server.IsLocal(message.RelayAddress) : !_options.VerifyMac;
        if (metered && !_sources.Allow(source, message.ClientMac, now.ToUnixTimeSeconds()))
        {
            emit.Drop(packet, DhcpDrop.SourceLimit);
            return;
        }
        if (!_limiter.Allow(message.ClientMac, now.ToUnixTimeMilliseconds() / 1000.0))
        {
            emit.Drop(packet, DhcpDrop.RateLimited);
            return;
        }
        long seconds = now.ToUnixTimeSeconds();
        var decision = _server.Handle(message, seconds);
        if (decision.Reply == DhcpReplyKind.None)
        {
            if (decision.Silence == DhcpDrop.PoolExhausted && now - _lastPoolWarning >= s_warningInterval)
            {
                _lastPoolWarning = now;
                DhcpLog.PoolExhausted(_logger, _name, Leases.SubnetOf(message.RelayAddress)?.Prefix.ToString() ?? _options.Subnets[0].Prefix.ToString(),
                    message.ClientMac.ToString());
            }
            emit.Trace(packet, $"DHCP {message.Type} from {message.ClientMac}: no reply ({decision.Silence})");
            emit.Drop(packet, decision.Silence);
            return;
        }
        emit.Trace(packet, decision.Reply switch
        {
            DhcpReplyKind.Nak => $"DHCP {message.Type} from {message.ClientMac}: NAK ({decision.Message})",
            DhcpReplyKind.InformAck => $"DHCP INFORM from {message.ClientMac}: ACK with the options of {decision.Subnet!.Prefix}",
            _ => $"DHCP {message.Type} from {message.ClientMac}: {decision.Reply.ToString().ToUpperInvariant()} {decision.Lease!.Address}" +
                (decision.Durable && _file is not null ? " once the lease is on disk" : ""),
        });
        var requestSource = EthernetHeader.Source(packet.Data);
        Counters.Add(DhcpEvent.OptionsLeftOut, DhcpReplyWriter.Write(packet, message, decision, requestSource, _options.Mac,
            _options.Address.Address, seconds, _identification++));
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            DhcpLog.Replied(_logger, _name, decision.Reply.ToString().ToUpperInvariant(), decision.Lease?.Address.ToString() ?? "-", message.ClientMac.ToString());
        }
        if (decision.Durable && _file is not null)
        {
            _waitingForDisk.Add(packet);
        }
        else
        {
            emit.To(Port, packet);
        }
    }

    // The group commit: the batch's lease changes reach the disk, then the ACKs that promised them leave.
    private void CommitAndSend(Emitter emit)
    {
        bool written = true;
        try
        {
            _file?.Commit();
        }
        catch (IOException e)
        {
            written = false;
            DhcpLog.PersistFailed(_logger, e, _name, _file!.Path, _waitingForDisk.Count);
        }
        foreach (var ack in _waitingForDisk)
        {
            if (written)
            {
                emit.To(Port, ack);
            }
            else
            {
                emit.Drop(ack, DhcpDrop.PersistFailed);
            }
        }
        _waitingForDisk.Clear();
    }
}
