using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Testing;

namespace NfvFunction1.Tests;

/// <summary>The function in memory: its configuration as a topology file gives it, frames in, decisions and counters out.</summary>
public class Wire1FunctionTests
{
    private const ushort Ipv4 = 0x0800, Arp = 0x0806, Ipv6 = 0x86dd;
    private const int A = 0, B = 1;

    private static Wire1Function Build(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new Wire1Factory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (Wire1Function)blueprint.Build(new FunctionBuildContext("filter", [true, true], TimeProvider.System, NullLoggerFactory.Instance));
    }

    private static byte[] Frame(ushort etherType) => FrameBuilder.Ethernet(FrameBuilder.Mac(2), FrameBuilder.Mac(1), etherType: etherType);

    [Fact]
    public void Frames_cross_from_each_port_to_the_other_and_are_counted()
    {
        var function = Build("filter: { kind: nfv-function-kind }");
        var emit = new RecordingEmitter();

        // One batch of three frames, as the dataplane hands them over.
        emit.Process(function, emit.Rent(Frame(Ipv4), A), emit.Rent(Frame(Arp), B), emit.Rent(Frame(Ipv6), A));

        Assert.Equal([B, A, B], emit.Sent.Select(s => s.Port));
        Assert.Equal(2, function.Counters[Wire1Event.PassedAToB]);
        Assert.Equal(1, function.Counters[Wire1Event.PassedBToA]);
    }

    [Fact]
    public void A_blocked_ethertype_is_dropped_for_its_reason_and_counted_in_the_table()
    {
        var function = Build("filter: { kind: nfv-function-kind, block: [0x86dd, 0x0806] }");
        var emit = new RecordingEmitter();

        emit.Process(function, emit.Rent(Frame(Ipv6), A), emit.Rent(Frame(Arp), B), emit.Rent(Frame(Ipv6), B), emit.Rent(Frame(Ipv4), A));

        Assert.Equal(3, emit.DropCount(Wire1Drop.Blocked));
        Assert.Equal([B], emit.Sent.Select(s => s.Port));
        var table = Assert.Single(function.Tables);
        Assert.Equal([["0x86dd", "2"], ["0x0806", "1"]], table.Rows().Select(r => r.ToArray()));
    }

    [Fact]
    public void A_frame_shorter_than_an_ethernet_header_is_a_runt()
    {
        var function = Build("filter: { kind: nfv-function-kind }");
        var emit = new RecordingEmitter();
        emit.Send(function, A, new byte[13]);
        emit.AssertDropped(Wire1Drop.Runt);
    }

    [Fact]
    public void A_traced_frame_says_what_became_of_it()
    {
        var function = Build("filter: { kind: nfv-function-kind, block: [0x86dd] }");
        var emit = new RecordingEmitter();
        Assert.Equal(["EtherType 0x0800 passed to b"], emit.SendTraced(function, A, Frame(Ipv4)));
        Assert.Equal(["EtherType 0x86dd is blocked"], emit.SendTraced(function, B, Frame(Ipv6)));
    }

    [Theory]
    [InlineData("block: [0x86dd, ipv6]", "test.yaml(1,27): error NFVFUNCTIONKIND01: 'ipv6' is not an EtherType: write it in hex from 0x0600 to 0xffff, as 0x86dd (IPv6)")]
    [InlineData("block: [0x05dc]", "test.yaml(1,19): error NFVFUNCTIONKIND01: '0x05dc' is not an EtherType: write it in hex from 0x0600 to 0xffff, as 0x86dd (IPv6)")]
    [InlineData("blok: [0x86dd]", "test.yaml(1,11): error NFV0102: unknown key 'blok' in function 'filter'; expected one of: kind, block")]
    public void Bad_configuration_is_refused_at_its_line_and_column(string keys, string expected)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new Wire1Factory(), $"filter: {{ {keys}, kind: nfv-function-kind }}");
        Assert.Null(blueprint);
        Assert.Equal(expected, Assert.Single(diagnostics.Items).ToString());
    }
}
