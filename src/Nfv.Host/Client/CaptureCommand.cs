using System.Buffers.Binary;
using System.CommandLine;
using Nfv.Dataplane.Ports;

namespace Nfv.Host.Client;

/// <summary>
/// <c>nfv capture LINK -w FILE</c>: records every frame crossing a link of a running instance, both ways, into a pcap file
/// (or <c>-</c> for standard output), until Ctrl-C or <c>--count</c> frames.
/// </summary>
internal static class CaptureCommand
{
    private const int FileHeaderSize = 24;
    private const int RecordHeaderSize = 16;

    public static Command Create()
    {
        var link = new Argument<string>("link") { Description = "The link, by either of its ends: p1, core.up." };
        var write = new Option<string>("--write", "-w")
        {
            Description = "The pcap file to write (created or truncated); - for standard output (nfv capture p1 -w - | tshark -r -).",
            Required = true,
        };
        var count = new Option<int?>("--count", "-c") { Description = "Stop after this many frames." };
        var address = ManagementClient.AddressOption();
        var token = ManagementClient.TokenOption();
        var command = new Command("capture", "Captures the frames crossing a link of a running nfv into a pcap file, until Ctrl-C or --count.")
        {
            link,
            write,
            count,
            address,
            token,
        };
        command.SetAction((parse, _) => CaptureAsync(parse.GetValue(link)!, parse.GetValue(write)!, parse.GetValue(count), parse.GetValue(address)!, parse.GetValue(token)));
        return command;
    }

    private static async Task<int> CaptureAsync(string link, string file, int? count, string address, string? token)
    {
        if (count is < 1)
        {
            Console.Error.WriteLine($"nfv capture: --count must be at least 1, not {count}");
            return 1;
        }
        var (interrupt, registration) = ManagementClient.CancelOnInterrupt();
        using var interruptSource = interrupt;
        using var signals = registration;
        using var http = ManagementClient.Create(address, token, null);
        var path = $"/api/capture/{Uri.EscapeDataString(link)}" + (count is { } n ? $"?count={n}" : "");
        using var response = await ManagementClient.GetAsync(http, "capture", path, interrupt.Token);
        if (response is null)
        {
            return 1;
        }
        var linkName = response.Headers.TryGetValues("X-Nfv-Link", out var names) ? names.First() : link;
        bool toStdout = file == "-";
        PcapWriter writer;
        try
        {
            writer = toStdout ? PcapWriter.Create(Console.OpenStandardOutput(), "standard output") : PcapWriter.Create(file);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"nfv capture: {ex.Message}");
            return 1;
        }
        Console.Error.WriteLine($"nfv capture: capturing link {linkName} into {writer.Path}; Ctrl-C stops");
        bool ended = false;
        string? failure = null;
        using (writer)
        {
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(interrupt.Token);
                ended = await CopyAsync(stream, writer, interrupt.Token);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
            {
                failure = ex.Message;
            }
        }
        string frames = writer.Count == 1 ? "1 frame" : $"{writer.Count} frames";
        Console.Error.WriteLine($"nfv capture: {frames} of link {linkName} written to {writer.Path}");
        if (failure is not null || (ended && count is { } wanted && writer.Count < wanted))
        {
            Console.Error.WriteLine($"nfv capture: the instance ended the capture before {count} frames ({failure ?? "it is stopping"})");
            return 1;
        }
        return 0;
    }

    /// <summary>
    /// Copies the pcap stream's records into <paramref name="writer"/>, whole records only, flushing after each read so the
    /// file can be opened while it grows. True when the instance ended the stream; cancellation throws.
    /// </summary>
    private static async Task<bool> CopyAsync(Stream stream, PcapWriter writer, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        int filled = 0;
        bool header = false;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            int read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return true;
            }
            filled += read;
            int at = 0;
            if (!header)
            {
                if (filled < FileHeaderSize)
                {
                    continue;
                }
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != 0xa1b2c3d4)
                {
                    throw new InvalidDataException("the instance did not answer with a pcap stream");
                }
                header = true;
                at = FileHeaderSize;
            }
            while (filled - at >= RecordHeaderSize)
            {
                var record = buffer.AsSpan(at);
                uint seconds = BinaryPrimitives.ReadUInt32LittleEndian(record);
                uint micros = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
                int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
                if (captured > PcapWriter.SnapshotLength)
                {
                    throw new InvalidDataException($"a record of {captured} bytes in the pcap stream");
                }
                if (filled - at < RecordHeaderSize + captured)
                {
                    break;
                }
                var time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * (TimeSpan.TicksPerMillisecond / 1000));
                writer.Write(record.Slice(RecordHeaderSize, captured), time, length);
                at += RecordHeaderSize + captured;
            }
            buffer.AsSpan(at, filled - at).CopyTo(buffer);
            filled -= at;
            writer.Flush();
        }
    }
}
