using System.Globalization;
using Nfv.Abstractions.Configuration;
using Nfv.Ip;
using Nfv.Ip.Headers;

namespace Nfv.Topology.Internal;

internal sealed partial class TopologyResolver
{
    private readonly List<LabTest> _tests = [];

    private static readonly Dictionary<string, LabTestKind> s_testKinds = new(StringComparer.Ordinal)
    {
        ["ping"] = LabTestKind.Ping, ["tcp"] = LabTestKind.Tcp, ["udp"] = LabTestKind.Udp, ["lease"] = LabTestKind.Lease,
    };

    // tests: a list of mappings, each starting with its kind: ping/tcp/udp: "A -> B" (B:PORT for tcp and udp), lease: A.
    private void ReadTests(ConfigNode? node)
    {
        if (node is null || _reader.AsSequence(node, "'tests'") is not { } list)
        {
            return;
        }
        foreach (var item in list.Items)
        {
            if (_reader.AsMapping(item, "a test") is not { } map)
            {
                continue;
            }
            var kinds = map.Entries.Where(e => s_testKinds.ContainsKey(e.Key.Value)).ToList();
            if (kinds.Count != 1)
            {
                _diagnostics.Error(DiagnosticCodes.BadTest, item.Span, kinds.Count == 0
                    ? $"a test starts with what it checks: one of {string.Join(", ", s_testKinds.Keys)} (such as 'ping: h1 -> internet')"
                    : $"a test checks one thing; this one names {string.Join(" and ", kinds.Select(k => k.Key.Value))}: write one test each");
                continue;
            }
            var (key, value) = kinds[0];
            var kind = s_testKinds[key.Value];
            string what = $"this {key.Value} test";
            _reader.CheckKeys(map, what, kind switch
            {
                LabTestKind.Ping => ["ping", "expect", "count", "max-loss", "max-rtt", "within"],
                LabTestKind.Lease => ["lease", "in", "within"],
                _ => [key.Value, "expect", "as", "listen", "within"],
            });
            if (_reader.AsScalar(value, what) is not { } text)
            {
                continue;
            }
            if (ReadTest(kind, text, map, what) is { } test)
            {
                _tests.Add(test);
            }
        }
    }

    private LabTest? ReadTest(LabTestKind kind, ConfigScalar text, ConfigMapping map, string what)
    {
        int errors = ErrorCount();
        if (kind == LabTestKind.Lease)
        {
            var leased = TestHost(text.Value.Trim(), text, what);
            var range = _reader.Required(map, "in", what) is { } rangeNode ? TestRange(rangeNode, what) : null;
            if (leased is { Dhcp: null })
            {
                _diagnostics.Error(DiagnosticCodes.BadTest, text.Span, $"{what} reads the lease of host '{leased.Name}', which has a static address; give it 'address: dhcp'");
            }
            return ErrorCount() == errors ? new LabTest(kind, leased!.Name, text.Span) { Range = range, Within = Within(map, what) } : null;
        }
        var ends = text.Value.Split("->", StringSplitOptions.TrimEntries);
        (string, int)? listen = map["listen"] is { } listenNode ? TestListen(listenNode, what) : null;
        if (ends.Length != 2 || ends[0].Length == 0 || ends[1].Length == 0)
        {
            _diagnostics.Error(DiagnosticCodes.BadTest, text.Span, $"{what} is '{text.Value}'; write it as FROM -> TO, such as 'h1 -> internet'{(kind == LabTestKind.Ping ? "" : ":80")}");
            return null;
        }
        var source = TestHost(ends[0], text, what);
        if (source is { Vm: not null })
        {
            _diagnostics.Error(DiagnosticCodes.BadTest, text.Span, $"{what} runs from '{source.Name}', a VM: tests run from namespace hosts (a VM can be the target)");
        }
        string to = ends[1];
        int port = 0;
        if (kind != LabTestKind.Ping)
        {
            if (SplitPort(to, text, what) is not { } split)
            {
                return null;
            }
            (to, port) = split;
        }
        var target = Ipv4Address.TryParse(to, out var address) ? new LabTestTarget(null, address)
            : TestHost(to, text, what) is { } host ? new LabTestTarget(host.Name, null) : null;
        bool? expectFailure = map["expect"] is { } expect ? _reader.Choice(expect, $"'expect' of {what}", s_expectations, DiagnosticCodes.BadTest) : false;
        var test = new LabTest(kind, source?.Name ?? "", text.Span)
        {
            Target = target,
            Port = port,
            ExpectFailure = expectFailure ?? false,
            Count = map["count"] is { } count ? _reader.Int(count, $"'count' of {what}", 1, 1000) ?? 0 : 3,
            MaxLoss = map["max-loss"] is { } loss ? Percent(loss, $"'max-loss' of {what}") : null,
            MaxRtt = map["max-rtt"] is { } rtt ? _reader.Duration(rtt, $"'max-rtt' of {what}", TimeSpan.FromMilliseconds(0.001), TimeSpan.FromSeconds(60)) : null,
            SeenAs = map["as"] is { } seen ? _reader.Address(seen, $"'as' of {what}") : null,
            Within = Within(map, what),
            Listen = listen,
        };
        if (test.ExpectFailure && (test.MaxLoss is not null || test.MaxRtt is not null || test.SeenAs is not null || test.Within is not null))
        {
            _diagnostics.Error(DiagnosticCodes.BadTest, map["expect"]!.Span, $"{what} expects nothing to get through, so 'max-loss', 'max-rtt', 'as' and 'within' have nothing to measure");
        }
        return ErrorCount() == errors ? test : null;
    }

    // HOST:PORT, or ADDRESS:PORT; reported when the port is missing or out of range.
    private (string, int)? SplitPort(string text, ConfigScalar node, string what)
    {
        int colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            _diagnostics.Error(DiagnosticCodes.BadTest, node.Span, $"{what} goes to '{text}'; name the port from 1 to 65535, such as '{(colon < 0 ? text : text[..colon])}:80'");
            return null;
        }
        return (text[..colon], port);
    }

    // listen: HOST:PORT, a namespace host (the test's listener runs in its namespace).
    private (string, int)? TestListen(ConfigNode node, string what)
    {
        if (_reader.AsScalar(node, $"'listen' of {what}") is not { } text || SplitPort(text.Value.Trim(), text, $"'listen' of {what}") is not { } split)
        {
            return null;
        }
        if (TestHost(split.Item1, text, $"'listen' of {what}") is not { } host)
        {
            return null;
        }
        if (host.Vm is not null)
        {
            _diagnostics.Error(DiagnosticCodes.BadTest, text.Span, $"'listen' of {what} names '{host.Name}', a VM: the test's listener runs in a namespace host");
            return null;
        }
        return (host.Name, split.Item2);
    }

    private TimeSpan? Within(ConfigMapping map, string what) =>
        map["within"] is { } within ? _reader.Duration(within, $"'within' of {what}", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) : null;

    private static readonly Dictionary<string, bool> s_expectations = new(StringComparer.Ordinal) { ["ok"] = false, ["fail"] = true };

    // A lab host a test names; reported (with the hosts there are) when there is none of that name.
    private ResolvedHost? TestHost(string name, ConfigScalar text, string what)
    {
        if (_hosts.FirstOrDefault(h => h.Name == name) is { } host)
        {
            return host;
        }
        _diagnostics.Error(DiagnosticCodes.BadTest, text.Span,
            $"{what} names '{name}', which is no lab host{(_hosts.Count > 0 ? $" (hosts: {string.Join(", ", _hosts.Select(h => h.Name))})" : "")} nor an IPv4 address{Names.DidYouMean(name, _hosts.Select(h => h.Name))}");
        return null;
    }

    private (Ipv4Address, Ipv4Address)? TestRange(ConfigNode node, string what)
    {
        if (_reader.AsScalar(node, $"'in' of {what}") is not { } range)
        {
            return null;
        }
        var parts = range.Value.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Ipv4Address.TryParse(parts[0], out var first) && Ipv4Address.TryParse(parts[1], out var last) && first.Value <= last.Value)
        {
            return (first, last);
        }
        _diagnostics.Error(DiagnosticCodes.BadTest, range.Span, $"'in' of {what} is '{range.Value}'; write a range FIRST-LAST, such as 192.168.10.100-192.168.10.199");
        return null;
    }

    private double? Percent(ConfigNode node, string what)
    {
        if (_reader.AsScalar(node, what) is not { } scalar)
        {
            return null;
        }
        var text = scalar.Value.Trim();
        if (text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double percent) && percent is >= 0 and <= 100)
        {
            return percent / 100;
        }
        _diagnostics.Error(DiagnosticCodes.BadNumber, scalar.Span, $"{what} is '{scalar.Value}'; write a percentage from 0% to 100%, such as 5%");
        return null;
    }
}
