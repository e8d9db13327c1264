using System.Runtime.InteropServices;
using Nfv.Abstractions;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// An external port played from and to pcap files, for offline runs (<c>nfv replay</c>): frames
/// are received from an input file in order, each with its timestamp; frames sent are written to
/// an output <see cref="PcapWriter"/> stamped with the port's clock, or, without one, discarded and
/// counted. Frames in a file carry no <c>virtio_net_hdr</c>: replayed frames have no offloads.
/// </summary>
/// <remarks>
/// Allocates per frame (libpcap and a copy on read): this is the offline path, never the TAP one.
/// </remarks>
public sealed class PcapReplayPort : IFramePort
{
    private readonly CaptureFileReaderDevice? _reader;
    private readonly PcapWriter? _output;
    private readonly TimeProvider _clock;
    private byte[] _next = [];
    private int _nextLength;
    private bool _hasNext;

    /// <summary>Opens the port.</summary>
    /// <param name="name">The port's name in the topology.</param>
    /// <param name="input">The pcap file frames are received from; null for a port that receives nothing.</param>
    /// <param name="output">Where sent frames are written; null to discard them (counted in <see cref="Discarded"/>). The port does not own it.</param>
    /// <param name="clock">The clock sent frames are stamped with.</param>
    /// <exception cref="IOException">The input file cannot be opened or is not a pcap file.</exception>
    public PcapReplayPort(string name, string? input, PcapWriter? output, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(clock);
        Name = name;
        InputPath = input;
        _output = output;
        _clock = clock;
        if (input is not null)
        {
            if (!File.Exists(input))
            {
                throw new IOException($"cannot read pcap file '{input}': no such file");
            }
            var reader = new CaptureFileReaderDevice(input);
            try
            {
                reader.Open(new DeviceConfiguration { TimestampResolution = TimestampResolution.Microsecond });
            }
            catch (Exception ex) when (ex is PcapException or DllNotFoundException)
            {
                reader.Dispose();
                throw new IOException($"cannot read pcap file '{input}': {ex.Message}", ex);
            }
            _reader = reader;
            Advance();
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The input file, or null.</summary>
    public string? InputPath { get; }

    /// <inheritdoc/>
    public SafeHandle? PollHandle => null;

    /// <inheritdoc/>
    public PortCounters Counters { get; } = new();

    /// <summary>The timestamp of the next frame waiting in the input file; null when there is none.</summary>
    public DateTimeOffset? NextTimestamp { get; private set; }

    /// <summary>
    /// <see cref="Receive"/> hands over only frames stamped at or before this time, so a replay can
    /// interleave several input files on one clock. Unbounded by default.
    /// </summary>
    public DateTimeOffset Horizon { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>Frames sent to this port with no output file to write them to.</summary>
    public long Discarded { get; private set; }

    /// <summary>Frames in the input file that could not be received (longer than a packet buffer).</summary>
    public long Skipped { get; private set; }

    /// <inheritdoc/>
    public int Receive(PacketBatch batch, PacketPool pool)
    {
        int added = 0;
        while (!batch.IsFull && _hasNext && NextTimestamp <= Horizon)
        {
            if (_nextLength > pool.BufferSize - Packet.DefaultHeadroom)
            {
                Skipped++;
                Counters.Dropped(PortDrop.Malformed);
                Advance();
                continue;
            }
            var packet = pool.Rent();
            if (packet is null)
            {
                Counters.Dropped(PortDrop.NoBuffer);
                break;
            }
            packet.Load(_next.AsSpan(0, _nextLength));
            packet.Offload = default;
            Counters.Received(_nextLength);
            batch.Add(packet);
            added++;
            Advance();
        }
        return added;
    }

    /// <inheritdoc/>
    public void Send(Packet packet)
    {
        if (_output is null)
        {
            Discarded++;
        }
        else
        {
            _output.Write(packet.Data, _clock.GetUtcNow());
            Counters.Sent(packet.Length);
        }
        packet.Release();
    }

    /// <inheritdoc/>
    public void Dispose() => _reader?.Dispose();

    /// <inheritdoc/>
    public override string ToString() => InputPath is null ? $"{Name} (pcap)" : $"{Name} (pcap {InputPath})";

    private void Advance()
    {
        _hasNext = false;
        NextTimestamp = null;
        if (_reader is null)
        {
            return;
        }
        if (_reader.GetNextPacket(out PacketCapture capture) != GetPacketStatus.PacketRead)
        {
            return;
        }
        var data = capture.Data;
        if (_next.Length < data.Length)
        {
            _next = new byte[Math.Max(data.Length, 2048)];
        }
        data.CopyTo(_next);
        _nextLength = data.Length;
        var timeval = capture.Header.Timeval;
        NextTimestamp = DateTimeOffset.UnixEpoch.AddTicks(((long)timeval.Seconds * TimeSpan.TicksPerSecond) + ((long)timeval.MicroSeconds * 10));
        _hasNext = true;
    }
}
