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
/// file fails at start instead of corrupting it.
/// </para>
/// <para>
/// The disk is written by a thread of the file's own, never by the worker that runs the server: a flush to disk takes
/// a quarter of a millisecond to several, and the worker forwards every other function's packets meanwhile. The worker
/// queues lines (<see cref="Append"/>) and hands them over once a batch (<see cref="Submit"/>), which returns a ticket;
/// the writer writes and flushes everything handed over since its last flush in one go (group commit: the longer a
/// flush takes, the more the next one carries) and reports each ticket's outcome in order
/// (<see cref="TryTakeOutcome"/>). Compactions go the same way, in order with the lines.
/// </para>
/// </remarks>
public sealed class LeaseFile : IDisposable
{
    private const string Header = "# nfv dhcp leases v1";
    private readonly string _path;
    private readonly StringBuilder _pending = new();
    private readonly object _gate = new(); // a monitor: the writer and a full worker wait on it
    private readonly List<Job> _jobs = []; // under _gate
    private readonly Queue<LeaseFileOutcome> _outcomes = new(); // under _gate
    private readonly Thread _writer;
    private Stream _stream; // the writer's, once it started
    private int _linesSinceCompaction;
    private long _lastTicket;
    private long _lastLinesTicket;
    private int _outcomeCount; // _outcomes.Count, read without the lock
    private bool _closing; // under _gate

    private LeaseFile(string path, Stream stream)
    {
        _path = path;
        _stream = stream;
        _writer = new Thread(Write) { Name = "nfv-lease-file", IsBackground = true };
    }

    /// <summary>The file's path.</summary>
    public string Path => _path;

    /// <summary>Lines queued and not yet handed to the writer (<see cref="Submit"/>).</summary>
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
        file._writer.Start();
        return file;
    }

    /// <summary>
    /// A new, empty journal over <paramref name="journal"/> instead of a file (tests: a disk that stalls or fails on
    /// cue); compaction still writes <paramref name="path"/>.
    /// </summary>
    internal static LeaseFile Over(Stream journal, string path)
    {
        var file = new LeaseFile(path, journal);
        file._pending.Append(Header).Append('\n');
        file._writer.Start();
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
    /// Hands the queued lines to the writer and returns their ticket; when nothing was queued, the ticket of the lines
    /// handed over last (0 before any), since a lease an ACK confirms may have gone with them. The outcome comes back
    /// through <see cref="TryTakeOutcome"/>.
    /// </summary>
    public long Submit()
    {
        if (_pending.Length != 0)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(_pending.ToString());
            _pending.Clear();
            _lastLinesTicket = Enqueue(bytes, compaction: false);
        }
        return _lastLinesTicket;
    }

    /// <summary>
    /// Replaces the file with one holding only <paramref name="leases"/> (those on disk: bound, released, expired,
    /// declined): the writer writes them to <c>PATH.tmp</c>, flushes it to disk and renames it over the file, after the
    /// lines handed over before (queued lines are handed over first). A failure comes back as an outcome.
    /// </summary>
    public void Compact(IEnumerable<Lease> leases)
    {
        ArgumentNullException.ThrowIfNull(leases);
        Submit();
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
        _linesSinceCompaction = lines;
        Enqueue(Encoding.UTF8.GetBytes(text.ToString()), compaction: true);
    }

    /// <summary>Takes the next outcome, in ticket order; false when the writer has none ready. Never blocks.</summary>
    public bool TryTakeOutcome(out LeaseFileOutcome outcome)
    {
        if (Volatile.Read(ref _outcomeCount) == 0)
        {
            outcome = default;
            return false;
        }
        lock (_gate)
        {
            _outcomeCount--;
            outcome = _outcomes.Dequeue();
            return true;
        }
    }

    /// <summary>Waits until an outcome is ready to take, or <paramref name="timeout"/> has passed.</summary>
    public void WaitForOutcome(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_outcomes.Count == 0)
            {
                Monitor.Wait(_gate, timeout);
            }
        }
    }

    /// <summary>Writes what was handed over (the writer finishes its queue), then closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closing = true;
            Monitor.PulseAll(_gate);
        }
        if (_writer.IsAlive)
        {
            _writer.Join();
        }
        _stream.Dispose();
    }

    private long Enqueue(byte[] bytes, bool compaction)
    {
        long ticket = ++_lastTicket;
        lock (_gate)
        {
            _jobs.Add(new Job(ticket, bytes, compaction));
            Monitor.PulseAll(_gate);
        }
        return ticket;
    }

    // The writer thread: takes everything handed over so far, writes each run of lines with one write and one flush to
    // disk, and does compactions in their place; reports each in order.
    private void Write()
    {
        var work = new List<Job>();
        while (true)
        {
            lock (_gate)
            {
                while (_jobs.Count == 0 && !_closing)
                {
                    Monitor.Wait(_gate);
                }
                if (_jobs.Count == 0)
                {
                    return;
                }
                work.AddRange(_jobs);
                _jobs.Clear();
            }
            for (int i = 0; i < work.Count;)
            {
                int run = 1;
                if (!work[i].Compaction)
                {
                    while (i + run < work.Count && !work[i + run].Compaction)
                    {
                        run++;
                    }
                }
                var outcome = work[i].Compaction ? Replace(work[i]) : AppendLines(work.GetRange(i, run));
                lock (_gate)
                {
                    _outcomes.Enqueue(outcome);
                    _outcomeCount++;
                    Monitor.PulseAll(_gate);
                }
                i += run;
            }
            work.Clear();
        }
    }

    private LeaseFileOutcome AppendLines(List<Job> run)
    {
        long through = run[^1].Ticket;
        try
        {
            foreach (var job in run)
            {
                _stream.Write(job.Bytes);
            }
            if (_stream is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                _stream.Flush();
            }
            return new LeaseFileOutcome(through, run.Count, false, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LeaseFileOutcome(through, run.Count, false, e);
        }
    }

    private LeaseFileOutcome Replace(Job job)
    {
        try
        {
            string temporary = _path + ".tmp";
            using (var replacement = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                replacement.Write(job.Bytes);
                replacement.Flush(flushToDisk: true);
            }
            // Rename while holding the old file open: its lock (FileShare.None) moves to the new one only once we reopen.
            File.Move(temporary, _path, overwrite: true);
            var reopened = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            reopened.Seek(0, SeekOrigin.End);
            _stream.Dispose();
            _stream = reopened;
            return new LeaseFileOutcome(job.Ticket, 1, true, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LeaseFileOutcome(job.Ticket, 1, true, e);
        }
    }

    private sealed record Job(long Ticket, byte[] Bytes, bool Compaction);
}

/// <summary>What the lease file's writer did with what it was handed.</summary>
/// <param name="Through">The last ticket this covers; it covers every ticket after the previous outcome's.</param>
/// <param name="Handovers">How many handovers it wrote together (1 for a compaction).</param>
/// <param name="Compaction">A compaction rather than lines.</param>
/// <param name="Error">Why the write failed; null when it is on disk.</param>
public readonly record struct LeaseFileOutcome(long Through, int Handovers, bool Compaction, Exception? Error);

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
