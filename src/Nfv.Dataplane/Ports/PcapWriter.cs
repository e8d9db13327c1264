using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Nfv.Dataplane.Ports;

/// <summary>
/// Writes Ethernet frames with their timestamps to a pcap file (libpcap format, microsecond
/// timestamps, link type Ethernet) that tshark and Wireshark read. Frames carry no
/// <c>virtio_net_hdr</c> in the file. Not thread-safe; slow path (libpcap copies each record).
/// </summary>
public sealed class PcapWriter : IDisposable
{
    /// <summary>The snapshot length written in the file header: the longest record a reader accepts.</summary>
    public const int SnapshotLength = 65536;

    private readonly CaptureFileWriterDevice _device;
    private bool _disposed;

    private PcapWriter(string path, CaptureFileWriterDevice device)
    {
        Path = path;
        _device = device;
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Frames written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Creates (or truncates) <paramref name="path"/> and writes the pcap file header.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public static PcapWriter Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var device = new CaptureFileWriterDevice(path, FileMode.Create);
        try
        {
            device.Open(new DeviceConfiguration
            {
                LinkLayerType = LinkLayers.Ethernet,
                Snaplen = SnapshotLength,
                TimestampResolution = TimestampResolution.Microsecond,
            });
        }
        catch (Exception ex) when (ex is PcapException or DllNotFoundException)
        {
            device.Dispose();
            throw new IOException($"cannot create pcap file '{path}': {ex.Message}", ex);
        }
        return new PcapWriter(path, device);
    }

    /// <summary>
    /// Writes one frame stamped <paramref name="timestamp"/> (kept to the microsecond). A frame longer
    /// than <see cref="SnapshotLength"/> is cut there; <paramref name="originalLength"/> (default: the
    /// frame's length) is recorded as the length on the wire.
    /// </summary>
    public void Write(ReadOnlySpan<byte> frame, DateTimeOffset timestamp, int originalLength = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (frame.Length > SnapshotLength)
        {
            frame = frame[..SnapshotLength];
        }
        long micros = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);
        var header = new PcapHeader(
            (uint)(micros / 1_000_000),
            (uint)(micros % 1_000_000),
            (uint)Math.Max(originalLength, frame.Length),
            (uint)frame.Length);
        _device.Write(frame, ref header);
        Count++;
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _device.Close();
        _device.Dispose();
    }
}
