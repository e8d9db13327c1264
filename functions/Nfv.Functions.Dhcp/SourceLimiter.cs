using Nfv.Abstractions.Headers;

namespace Nfv.Functions.Dhcp;

/// <summary>
/// How many clients (chaddrs) one Ethernet source may ask for: at most <c>clients</c> different ones within a window
/// (the lease time), so one host, posing as many clients or as a relay on the server's own segment, cannot drain the
/// pool. A real client is its own source (one chaddr); a relay of a configured <c>subnets:</c> entry is not metered.
/// The table of sources is bounded; when it is full, new sources pass unmetered (counted), as in
/// <see cref="ClientRateLimiter"/>: an attacker that varies its source MAC is the switch's to stop (<c>max-macs</c>).
/// </summary>
internal sealed class SourceLimiter
{
    private readonly Dictionary<MacAddress, Clients> _sources = [];
    private readonly int _clients;
    private readonly long _window;
    private readonly int _capacity;

    /// <summary>Creates a limiter of <paramref name="clients"/> chaddrs per source (0: unlimited) over <paramref name="windowSeconds"/>.</summary>
    public SourceLimiter(int clients, long windowSeconds, int capacity = 16384)
    {
        _clients = clients;
        _window = Math.Max(1, windowSeconds);
        _capacity = capacity;
    }

    /// <summary>Messages let through unmetered because the table was full.</summary>
    public long Unmetered { get; private set; }

    /// <summary>True when <paramref name="source"/> may ask for <paramref name="client"/> at <paramref name="now"/> (Unix seconds).</summary>
    public bool Allow(MacAddress source, MacAddress client, long now)
    {
        if (_clients <= 0)
        {
            return true;
        }
        if (!_sources.TryGetValue(source, out var known))
        {
            if (_sources.Count >= _capacity)
            {
                Unmetered++;
                return true;
            }
            _sources.Add(source, known = new Clients(_clients));
        }
        int stale = -1;
        for (int i = 0; i < known.Count; i++)
        {
            if (known.Macs[i] == client)
            {
                known.Seen[i] = now;
                return true;
            }
            if (stale < 0 && now - known.Seen[i] >= _window)
            {
                stale = i;
            }
        }
        int slot = known.Count < _clients ? known.Count++ : stale;
        if (slot < 0)
        {
            return false;
        }
        known.Macs[slot] = client;
        known.Seen[slot] = now;
        return true;
    }

    /// <summary>Forgets sources none of whose clients were seen within the window.</summary>
    public void Forget(long now)
    {
        List<MacAddress>? idle = null;
        foreach (var (source, known) in _sources)
        {
            if (known.Seen.AsSpan(0, known.Count).IndexOfAnyInRange(now - _window + 1, long.MaxValue) < 0)
            {
                (idle ??= []).Add(source);
            }
        }
        foreach (var source in idle ?? [])
        {
            _sources.Remove(source);
        }
    }

    private sealed class Clients(int capacity)
    {
        public readonly MacAddress[] Macs = new MacAddress[capacity];
        public readonly long[] Seen = new long[capacity];
        public int Count;
    }
}
