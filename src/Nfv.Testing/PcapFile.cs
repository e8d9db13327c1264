using System.Buffers.Binary;

namespace Nfv.Testing;

/// <summary>
/// The classic libpcap file format, read and written by hand (not with SharpPcap, which the code
/// under test uses), so a golden file is checked independently of the writer that made it:
/// a 24-byte header (magic a1b2c3d4, version 2.4, snaplen, link type 1 = Ethernet), then per frame
/// a 16-byte record header (seconds, microseconds, captured length, length on the wire) and the bytes.
/// </summary>
public static class PcapFile
{
    private const uint Magic = 0xa1b2c3d4;
    private const uint LinkTypeEthernet = 1;

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/>, little-endian, microsecond timestamps.</summary>
    public static void Write(string path, IEnumerable<PcapRecord> records)
    {
        using var stream = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        stream.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var r in records)
        {
            long micros = (r.Time - DateTimeOffset.UnixEpoch).Ticks / 10;
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(micros / 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)r.Frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)r.Frame.Length);
            stream.Write(record);
            stream.Write(r.Frame);
        }
    }

    /// <summary>Reads every record of a little- or big-endian microsecond pcap file with link type Ethernet.</summary>
    /// <exception cref="FunctionTestException">The file is not such a pcap file, or is truncated.</exception>
    public static List<PcapRecord> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Check.That(bytes.Length >= 24, $"{path}: shorter than a pcap header");
        bool little = BinaryPrimitives.ReadUInt32LittleEndian(bytes) == Magic;
        Check.That(little || BinaryPrimitives.ReadUInt32BigEndian(bytes) == Magic, $"{path}: not a microsecond pcap file");
        uint U32(int offset) => little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
        Check.That(U32(20) == LinkTypeEthernet, $"{path}: link type {U32(20)}, not Ethernet (1)");
        var records = new List<PcapRecord>();
        int at = 24;
        while (at < bytes.Length)
        {
            Check.That(at + 16 <= bytes.Length, $"{path}: truncated record header at byte {at}");
            long seconds = U32(at), micros = U32(at + 4);
            int captured = (int)U32(at + 8);
            Check.That(captured == (int)U32(at + 12), $"{path}: record at byte {at} was cut short when captured");
            Check.That(at + 16 + captured <= bytes.Length, $"{path}: truncated record at byte {at}");
            var time = DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (micros * 10));
            records.Add(new PcapRecord(time, bytes.AsSpan(at + 16, captured).ToArray()));
            at += 16 + captured;
        }
        return records;
    }
}
