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
/// Nothing is lost: an ACK leaves only after its lease is on disk. The lease file is written by a thread of its own
/// (<see cref="LeaseFile"/>), so the worker goes on forwarding while the disk works: at the end of each batch the
/// batch's lease changes are handed to it, and the batch's ACKs are held (<see cref="Emitter.Hold"/>) until the write
/// that carries their leases is flushed, then sent — or, when the disk fails, dropped as
/// <see cref="DhcpDrop.PersistFailed"/> (the client retries). Held ACKs are looked at as each batch ends and at a
/// timer the server asks for every <see cref="DiskPollInterval"/> while any wait. OFFERs, NAKs and INFORM answers
/// promise nothing and leave at once.
/// </para>
/// <para>Single-threaded like every function: the worker that runs it owns its tables. DHCP is the slow path, so
/// parsing allocates; ARP and ICMP echo do not.</para>
/// </remarks>
public sealed partial class DhcpFunction : INetworkFunction, IReconfigurableFunction, IDisposable
{
    private const int IpOffset = EthernetHeader.Size;
    private const int Port = 0;

    /// <summary>How often held ACKs are looked at while the disk works (a flush takes a quarter of a millisecond or more).</summary>
    public static readonly TimeSpan DiskPollInterval = TimeSpan.FromMicroseconds(100);

    /// <summary>
    /// ACKs held for the disk at most: packets come from the worker's shared pool, so past this the worker waits for
    /// the disk, as a server that wrote on the worker would.
    /// </summary>
    public const int MaxHeldAcks = 128;
    private static readonly TimeSpan s_warningInterval = TimeSpan.FromMinutes(1);

    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LeaseFile? _file;
    private readonly List<Packet> _batchAcks = [];
    private readonly Queue<(long Ticket, Packet Ack)> _waitingForDisk = new();
    private long _outcomesThrough; // the last ticket whose outcome came back from the lease file
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
        _file?.Compact(leases.Leases); // the file will hold exactly what the server does
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
        if (_file is not null)
        {
            HoldForDisk(_file, emit);
        }
    }

    /// <inheritdoc/>
    public void OnTimer(Emitter emit)
    {
        if (_file is not null && _waitingForDisk.Count != 0)
        {
            SendWhatIsOnDisk(_file, emit);
            AskForDiskPoll(emit);
        }
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
            _file.Compact(Leases.Leases);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _file?.Dispose(); // writes what was handed over
        while (_waitingForDisk.TryDequeue(out var waiting))
        {
            waiting.Ack.Release(); // its lease is on disk, and the client asks again
        }
    }

    /// <summary>ACKs held until the disk has their leases.</summary>
    public int AcksWaitingForDisk => _waitingForDisk.Count;

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
            emit.Hold(packet);
            _batchAcks.Add(packet);
        }
        else
        {
            emit.To(Port, packet);
        }
    }

    // The batch's lease changes go to the disk's thread, and its ACKs wait for them (for the lines handed over last when
    // the batch changed nothing: the lease an ACK confirms may still be on its way).
    private void HoldForDisk(LeaseFile file, Emitter emit)
    {
        long ticket = file.Submit();
        foreach (var ack in _batchAcks)
        {
            _waitingForDisk.Enqueue((ticket, ack));
        }
        _batchAcks.Clear();
        SendWhatIsOnDisk(file, emit);
        while (_waitingForDisk.Count > MaxHeldAcks)
        {
            file.WaitForOutcome(TimeSpan.FromSeconds(1));
            SendWhatIsOnDisk(file, emit);
        }
        AskForDiskPoll(emit);
    }

    private void AskForDiskPoll(Emitter emit)
    {
        if (_waitingForDisk.Count != 0)
        {
            emit.WakeAt(_time.GetTimestamp() + (long)(DiskPollInterval.TotalSeconds * _time.TimestampFrequency));
        }
    }

    // Each outcome covers the tickets after the one before it: the ACKs that waited on them leave, or are dropped when
    // their write failed.
    private void SendWhatIsOnDisk(LeaseFile file, Emitter emit)
    {
        while (file.TryTakeOutcome(out var outcome))
        {
            _outcomesThrough = outcome.Through;
            if (outcome.Compaction)
            {
                if (outcome.Error is not null)
                {
                    DhcpLog.CompactFailed(_logger, outcome.Error, _name, file.Path);
                }
                continue;
            }
            Counters.Increment(DhcpEvent.LeaseWrites);
            int dropped = 0;
            while (_waitingForDisk.TryPeek(out var waiting) && waiting.Ticket <= outcome.Through)
            {
                _waitingForDisk.Dequeue();
                if (outcome.Error is null)
                {
                    emit.To(Port, waiting.Ack);
                }
                else
                {
                    emit.Drop(waiting.Ack, DhcpDrop.PersistFailed);
                    dropped++;
                }
            }
            if (outcome.Error is not null)
            {
                DhcpLog.PersistFailed(_logger, outcome.Error, _name, file.Path, dropped);
            }
        }
        // ACKs whose ticket's outcome was in before they were held: none today (every ACK binds, and a bind writes a line,
        // so each batch of ACKs gets a new ticket), kept so that an ACK never waits for an outcome that will not come.
        while (_waitingForDisk.TryPeek(out var ready) && ready.Ticket <= _outcomesThrough)
        {
            _waitingForDisk.Dequeue();
            emit.To(Port, ready.Ack);
        }
    }
}
