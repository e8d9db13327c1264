using System.Globalization;
using System.Text;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// The leases on disk: a journal of one text line per change, appended and flushed to disk (fdatasync) before the
/// ACK that depends on it leaves, and compacted now and then by writing the live leases to a new file and renaming
/// it over the old one (atomic on POSIX). A crash at any point leaves either the old or the new file, and at worst a
/// torn last line, which no ACK depended on and which loading skips.
/// </summary>
/// <remarks>
/// <para>Line format, fields separated by one space:</para>
/// <code>
/// ADDRESS bound|released|declined EXPIRES_UNIX MAC CLIENT_KEY HOSTNAME|-
/// ADDRESS free
/// </code>
/// <para>
/// The last line for an address wins. The file is opened exclusively: a second server (or a second nfv) on the same
/// file fails at start instead of corrupting it. Several changes in one batch are written with one write and one
/// fdatasync (group commit).
/// </para>
/// </remarks>
public sealed class LeaseFile : IDisposable
{
    private const string Header = "# nfv dhcp leases v1";
    private readonly string _path;
    private readonly StringBuilder _pending = new();
    private FileStream _stream;
    private int _linesSinceCompaction;

    private LeaseFile(string path, FileStream stream)
    {
        _path = path;
        _stream = stream;
    }

    /// <summary>The file's path.</summary>
    public string Path => _path;

    /// <summary>Changes waiting for <see cref="Commit"/>.</summary>
    public bool HasPending => _pending.Length != 0;

    /// <summary>Journal lines written since the file was last compacted.</summary>
    public int LinesSinceCompaction => _linesSinceCompaction;

    /// <summary>
    /// Opens (or creates) the lease file at <paramref name="path"/>, exclusively, and reads the records in it.
    /// Lines that cannot be read are listed by number in <paramref name="unreadableLines"/> and skipped, never fatal; a
    /// torn last line is also cut off the file.
    /// </summary>
    /// <exception cref="IOException">The file is in use by another process or cannot be opened.</exception>
    public static LeaseFile Open(string path, out List<LeaseRecord> records, out List<int> unreadableLines)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        records = [];
        unreadableLines = [];
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 65536, leaveOpen: true))
        {
            string text = reader.ReadToEnd();
            int lineStart = 0;
            for (int number = 1; lineStart < text.Length; number++)
            {
                int end = text.IndexOf('\n', lineStart);
                if (end < 0)
                {
                    // A torn last line: the write of it never finished, so no ACK was sent for it. Cut it off, or the
                    // next line appended would run on from it and be lost too.
                    unreadableLines.Add(number);
                    stream.SetLength(Encoding.UTF8.GetByteCount(text.AsSpan(0, lineStart)));
                    break;
                }
                string line = text[lineStart..end];
                lineStart = end + 1;
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }
                if (LeaseRecord.TryParse(line, out var record))
                {
                    records.Add(record);
                }
                else
                {
                    unreadableLines.Add(number);
                }
            }
        }
        var file = new LeaseFile(path, stream) { _linesSinceCompaction = records.Count };
        stream.Seek(0, SeekOrigin.End);
        if (stream.Length == 0)
        {
            file._pending.Append(Header).Append('\n');
        }
        return file;
    }

    /// <summary>Queues the current state of <paramref name="lease"/> (bound, released or declined).</summary>
    public void Append(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        LeaseRecord.From(lease).AppendTo(_pending);
        _linesSinceCompaction++;
    }

    /// <summary>Queues that <paramref name="address"/> no longer has a binding.</summary>
    public void AppendFree(Ipv4Address address)
    {
        new LeaseRecord(address, "free", 0, default, "", null).AppendTo(_pending);
        _linesSinceCompaction++;
    }

    /// <summary>
    /// Writes what is queued with one write and flushes it to disk (fdatasync). Throws on I/O errors; the queued
    /// lines are dropped either way, since the ACKs that waited on them are not sent when this fails.
    /// </summary>
    public void Commit()
    {
        if (_pending.Length == 0)
        {
            return;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(_pending.ToString());
        _pending.Clear();
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Replaces the file with one holding only <paramref name="leases"/> (those on disk: bound, released, expired,
    /// declined): written to <c>PATH.tmp</c>, flushed to disk, then renamed over the file.
    /// </summary>
    public void Compact(IEnumerable<Lease> leases)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var text = new StringBuilder(Header).Append('\n');
        int lines = 0;
        foreach (var lease in leases)
        {
            if (lease.State != LeaseState.Offered)
            {
                LeaseRecord.From(lease).AppendTo(text);
                lines++;
            }
        }
        string temporary = _path + ".tmp";
        using (var replacement = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            replacement.Write(Encoding.UTF8.GetBytes(text.ToString()));
            replacement.Flush(flushToDisk: true);
        }
        // Rename while holding the old file open: its lock (FileShare.None) moves to the new one only once we reopen.
        File.Move(temporary, _path, overwrite: true);
        var reopened = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        reopened.Seek(0, SeekOrigin.End);
        _stream.Dispose();
        _stream = reopened;
        _linesSinceCompaction = lines;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}

/// <summary>One line of the lease file.</summary>
/// <param name="Address">The address.</param>
/// <param name="State"><c>bound</c>, <c>released</c>, <c>declined</c> or <c>free</c>.</param>
/// <param name="Expires">Unix seconds: lease end (bound/released) or hold end (declined).</param>
/// <param name="Mac">The client's MAC.</param>
/// <param name="ClientKey">The client (<c>id:…</c> or <c>hw:…</c>); empty for declined and free.</param>
/// <param name="HostName">The client's host name, if any.</param>
public sealed record LeaseRecord(Ipv4Address Address, string State, long Expires, MacAddress Mac, string ClientKey, string? HostName)
{
    internal static LeaseRecord From(Lease lease) => new(lease.Address, lease.State switch
    {
        LeaseState.Released => "released",
        LeaseState.Declined => "declined",
        _ => "bound", // an expired lease is a bound one whose time has passed
    }, lease.Expires, lease.Mac, lease.ClientKey, lease.HostName);

    internal void AppendTo(StringBuilder text)
    {
        text.Append(Address.ToString());
        if (State == "free")
        {
            text.Append(" free\n");
            return;
        }
        text.Append(' ').Append(State)
            .Append(' ').Append(Expires.ToString(CultureInfo.InvariantCulture))
            .Append(' ').Append(Mac.ToString())
            .Append(' ').Append(ClientKey.Length == 0 ? "-" : ClientKey)
            .Append(' ').Append(string.IsNullOrEmpty(HostName) ? "-" : HostName)
            .Append('\n');
    }

    /// <summary>Reads one line; false when it is not a well-formed record.</summary>
    public static bool TryParse(string line, out LeaseRecord record)
    {
        record = null!;
        string[] fields = line.Split(' ');
        if (fields.Length < 2 || !Ipv4Address.TryParse(fields[0], out var address))
        {
            return false;
        }
        if (fields.Length == 2 && fields[1] == "free")
        {
            record = new LeaseRecord(address, "free", 0, default, "", null);
            return true;
        }
        if (fields.Length != 6 || fields[1] is not ("bound" or "released" or "declined") ||
            !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long expires) ||
            !MacAddress.TryParse(fields[3], out var mac))
        {
            return false;
        }
        record = new LeaseRecord(address, fields[1], expires, mac, fields[4] == "-" ? "" : fields[4], fields[5] == "-" ? null : fields[5]);
        return true;
    }
}
