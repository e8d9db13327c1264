using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Nfv.Ip.Headers;
using Nfv.Topology;

namespace Nfv.Lab.LabTests;

/// <summary>The outcome of one lab test: passed or not, and what was seen (the reason, when it failed).</summary>
public sealed record LabTestResult(LabTest Test, bool Passed, string Detail, TimeSpan Duration);

/// <summary>
/// Runs a topology's tests (<c>tests:</c>) against the running lab, each from inside its source host's namespace: a ping
/// is iputils' <c>ping</c> there; a TCP or UDP test opens its socket there and, when the target is a lab host (or
/// <c>listen:</c> names one, behind a port forward), listens in that host's namespace for the test, so it sees what
/// arrives and from which address (a NAT's, say); a lease test reads the address the host holds.
/// </summary>
/// <param name="addressOf">A lab host's IPv4 address now (static, or its lease), or null when it has none; asked again on
/// each try, so a lease that comes while a test waits (<see cref="LabTest.Within"/>) is seen.</param>
public sealed partial class LabTestRunner(Func<string, CancellationToken, Task<Ipv4Address?>> addressOf)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs <paramref name="test"/>, trying again a second after each failure while its <see cref="LabTest.Within"/> lasts;
    /// never throws for a test that fails, only says why.
    /// </summary>
    public async Task<LabTestResult> RunAsync(LabTest test, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (passed, detail) = await CheckAsync(test, cancellationToken);
            if (passed || test.Within is not { } within || clock.Elapsed + RetryInterval > within)
            {
                return new LabTestResult(test, passed, passed || test.Within is null ? detail : $"{detail} (still, after {clock.Elapsed.TotalSeconds:0} s)", clock.Elapsed);
            }
            await Task.Delay(RetryInterval, cancellationToken);
        }
    }

    private async Task<(bool, string)> CheckAsync(LabTest test, CancellationToken cancellationToken)
    {
        if (test.Kind == LabTestKind.Lease)
        {
            return Lease(test, await addressOf(test.Source, cancellationToken));
        }
        if ((test.Target!.Address ?? await addressOf(test.Target.Host!, cancellationToken)) is not { } address)
        {
            return (false, $"{test.Target} has no IPv4 address now (no lease yet?)");
        }
        try
        {
            return test.Kind == LabTestKind.Ping
                ? await PingAsync(test, address, cancellationToken)
                : await ConnectAsync(test, address, cancellationToken);
        }
        catch (LabException ex)
        {
            return (false, ex.Message);
        }
    }

    private static (bool, string) Lease(LabTest test, Ipv4Address? held)
    {
        var (first, last) = test.Range!.Value;
        if (held is not { } leased)
        {
            return (false, $"{test.Source} holds no lease");
        }
        bool inside = leased.Value >= first.Value && leased.Value <= last.Value;
        return (inside, inside ? $"{test.Source} holds {leased}" : $"{test.Source} holds {leased}, outside {first}-{last}");
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex PingCounts();

    [GeneratedRegex(@"= [\d.]+/([\d.]+)/[\d.]+/[\d.]+ ms")]
    private static partial Regex PingAverage();

    private static async Task<(bool, string)> PingAsync(LabTest test, Ipv4Address address, CancellationToken cancellationToken)
    {
        // 0.2 s apart (the shortest interval ping allows without privilege tricks), each waited for 1 s.
        var timeout = TimeSpan.FromSeconds((test.Count * 0.2) + 5);
        var result = await IpCommand.RunAsync(["netns", "exec", test.Source, "ping", "-c", Text(test.Count), "-i", "0.2", "-W", "1", "-q", address.ToString()],
            cancellationToken, timeout);
        var counts = PingCounts().Match(result.Output);
        if (!counts.Success)
        {
            // Nothing sent: no route ("connect: Network is unreachable"), or no such namespace. Nothing got through.
            string why = result.Output[(result.Output.LastIndexOf("failed: ", StringComparison.Ordinal) is var at and >= 0 ? at + 8 : 0)..];
            return test.ExpectFailure ? (true, $"{why}, as expected") : (false, why);
        }
        int sent = int.Parse(counts.Groups[1].Value, CultureInfo.InvariantCulture), received = int.Parse(counts.Groups[2].Value, CultureInfo.InvariantCulture);
        double loss = 1 - ((double)received / sent);
        string seen = $"{received}/{sent} replies from {address}";
        if (test.ExpectFailure)
        {
            return (received == 0, received == 0 ? $"no reply from {address}, as expected" : $"{seen}; expected none");
        }
        if (received == 0)
        {
            return (false, $"no reply from {address} to {sent} echo requests");
        }
        double average = PingAverage().Match(result.Output) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        seen += $", {Percent(loss)} lost, {average.ToString("0.###", CultureInfo.InvariantCulture)} ms on average";
        if (test.MaxLoss is { } maxLoss && loss > maxLoss + 1e-9)
        {
            return (false, $"{seen}; more than {Percent(maxLoss)} lost");
        }
        if (test.MaxRtt is { } maxRtt && average > maxRtt.TotalMilliseconds)
        {
            return (false, $"{seen}; over {maxRtt.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms");
        }
        return (true, seen);
    }

    // From the source's namespace to the target; when the target is a lab host, a listener in its namespace for the
    // test sees what arrives and from where. A port already taken there is somebody's server: then only the connection
    // (TCP) is checked, and a UDP test needs the listener.
    private static async Task<(bool, string)> ConnectAsync(LabTest test, Ipv4Address address, CancellationToken cancellationToken)
    {
        bool tcp = test.Kind == LabTestKind.Tcp;
        var endpoint = new IPEndPoint(IPAddress.Parse(address.ToString()), test.Port);
        using var listener = test.Listen is { } at ? Listen(at.Host, tcp, at.Port)
            : test.Target!.Host is { } target ? Listen(target, tcp, test.Port)
            : null;
        using var client = NetworkNamespace.Run(test.Source, () => new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        string? failure = null;
        IPEndPoint? seenFrom = null;
        try
        {
            if (tcp)
            {
                await client.ConnectAsync(endpoint, deadline.Token);
                if (listener is not null)
                {
                    using var accepted = await listener.AcceptAsync(deadline.Token);
                    seenFrom = accepted.RemoteEndPoint as IPEndPoint;
                }
            }
            else
            {
                await client.SendToAsync("nfv test"u8.ToArray(), endpoint, deadline.Token);
                if (listener is null)
                {
                    return (false, $"nothing to see whether {endpoint} got the datagram: a UDP test needs a lab host as its target, or 'listen: HOST:PORT'");
                }
                var buffer = new byte[64];
                var received = await listener.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                seenFrom = received.RemoteEndPoint as IPEndPoint;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = tcp ? $"no connection to {endpoint} within {ConnectTimeout.TotalSeconds} s" : $"no datagram reached {endpoint} within {ConnectTimeout.TotalSeconds} s";
        }
        catch (SocketException ex)
        {
            failure = $"{endpoint}: {ex.Message}";
        }
        if (test.ExpectFailure)
        {
            return failure is null ? (false, $"{Reached(tcp, endpoint, seenFrom)}; expected it not to") : (true, $"{failure}, as expected");
        }
        if (failure is not null)
        {
            return (false, failure);
        }
        if (test.SeenAs is { } seenAs && seenFrom?.Address.ToString() != seenAs.ToString())
        {
            return (false, seenFrom is null
                ? $"{Reached(tcp, endpoint, seenFrom)}, but the port is taken at the far end, so the source address ({seenAs} expected) cannot be seen"
                : $"{Reached(tcp, endpoint, seenFrom)}; expected it from {seenAs}");
        }
        return (true, Reached(tcp, endpoint, seenFrom));
    }

    private static string Reached(bool tcp, IPEndPoint endpoint, IPEndPoint? from) =>
        $"{(tcp ? "connected to" : "datagram reached")} {endpoint}{(from is null ? "" : $", seen from {from}")}";

    // A socket listening in the target host's namespace; null when the port is taken there (a real server), or the host
    // has no namespace (a VM).
    private static Socket? Listen(string host, bool tcp, int port)
    {
        try
        {
            return NetworkNamespace.Run(host, () => Bind(tcp, port));
        }
        catch (LabException)
        {
            return null;
        }
    }

    private static Socket? Bind(bool tcp, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            if (tcp)
            {
                socket.Listen(4);
            }
            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            return null;
        }
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
