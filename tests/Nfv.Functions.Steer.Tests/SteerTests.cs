using Microsoft.Extensions.Logging.Abstractions;
using Nfv.Abstractions;
using Nfv.Testing;

namespace Nfv.Functions.Steer.Tests;

/// <summary>Classes pick chains outbound, replies take them backwards, and what comes back from a chain goes on.</summary>
public class SteerTests
{
    private const int Inside = 0, Outside = 1;
    private const int PolicedStart = 2, PolicedEnd = 3, InspectedStart = 4, InspectedEnd = 5;
    private const string Config = """
        sff:
          kind: steer
          chains: [policed, inspected]
          classes:
            - { name: voice, dscp: 46, chain: direct }
            - { name: web, protocol: tcp, dst: 192.0.2.0/24, dst-port: 443, chain: inspected }
          default: policed
        """;

    private readonly RecordingEmitter _emit = new();
    private readonly SteerFunction _steer = Build(Config);

    private static SteerFunction Build(string yaml)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new SteerFunctionFactory(), yaml);
        Assert.True(blueprint is not null, string.Join("\n", diagnostics.Items));
        return (SteerFunction)blueprint.Build(new FunctionBuildContext("sff", [true, true, true, true, true, true], TimeProvider.System, NullLoggerFactory.Instance));
    }

    private static byte[] Web(bool reply) => reply
        ? IpPackets.Ip(FrameBuilder.Mac(1), FrameBuilder.Mac(2), "192.0.2.7", "10.0.0.1", 6, IpPackets.Tcp(0, 443, 40000))
        : IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "192.0.2.7", 6, IpPackets.Tcp(0, 40000, 443));

    private static byte[] Udp(int dscp = 0)
    {
        var frame = IpPackets.Ip(FrameBuilder.Mac(2), FrameBuilder.Mac(1), "10.0.0.1", "192.0.2.7", 17, IpPackets.Udp(5000, 5000));
        frame[15] = (byte)(dscp << 2);
        return frame;
    }

    private int SentPort(int input, byte[] frame)
    {
        _emit.Send(_steer, input, frame);
        return Assert.Single(_emit.Sent).Port;
    }

    [Fact]
    public void A_class_picks_its_chain_and_the_rest_take_the_default()
    {
        Assert.Equal(InspectedStart, SentPort(Inside, Web(reply: false)));
        Assert.Equal(Outside, SentPort(Inside, Udp(dscp: 46)));   // voice: direct
        Assert.Equal(PolicedStart, SentPort(Inside, Udp()));      // no class: default
        var arp = IpPackets.Arp(1, FrameBuilder.Mac(0xFFFFFF), FrameBuilder.Mac(1), "10.0.0.1", default, "10.0.0.2");
        Assert.Equal(PolicedStart, SentPort(Inside, arp));        // not IPv4: default
    }

    [Fact]
    public void A_reply_is_matched_reversed_and_goes_back_through_its_requests_chain()
    {
        Assert.Equal(InspectedEnd, SentPort(Outside, Web(reply: true)));
        var voiceReply = Udp(dscp: 46);
        Assert.Equal(Inside, SentPort(Outside, voiceReply));
        Assert.Equal(PolicedEnd, SentPort(Outside, Udp()));
    }

    [Fact]
    public void What_comes_back_from_a_chain_goes_on_the_way_it_was_going()
    {
        Assert.Equal(Outside, SentPort(PolicedEnd, Udp()));      // outbound, through the chain
        Assert.Equal(Inside, SentPort(PolicedStart, Udp()));     // inbound, back through it
        Assert.Equal(Outside, SentPort(InspectedEnd, Web(reply: false)));
        Assert.Equal(3, _steer.Counters[SteerEvent.Rejoined]);
    }

    [Fact]
    public void Each_chain_counts_its_traffic_each_way()
    {
        SentPort(Inside, Web(reply: false));
        SentPort(Outside, Web(reply: true));
        SentPort(Inside, Udp(dscp: 46));
        SentPort(Inside, Udp());
        Assert.Equal((1, 54, 1, 54), _steer.ChainCounters(1));
        Assert.Equal((1, 62, 0, 0), _steer.ChainCounters(-1));
        Assert.Equal((1, 62, 0, 0), _steer.ChainCounters(0));
        var rows = Assert.Single(_steer.Tables).Rows().Select(r => r.ToArray()).ToList();
        Assert.Equal(["policed", "default", "1", "62", "0", "0"], rows[0]);
        Assert.Equal(["inspected", "web", "1", "54", "1", "54"], rows[1]);
        Assert.Equal(["direct", "voice", "1", "62", "0", "0"], rows[2]);
    }

    [Fact]
    public void A_traced_packet_says_which_class_and_chain()
    {
        Assert.Equal(["class voice: chain direct, outbound"], _emit.SendTraced(_steer, Inside, Udp(dscp: 46)));
        Assert.Equal(["no class: chain policed, inbound"], _emit.SendTraced(_steer, Outside, Udp()));
    }

    [Theory]
    [InlineData("chains: [a, a]", "NFV1702", "chain 'a' of steer 'sff' is listed twice")]
    [InlineData("chains: [direct]", "NFV1702", "chain 'direct' of steer 'sff' is a name the function keeps for itself")]
    [InlineData("chains: [x-end]", "NFV1702", "chain 'x-end' of steer 'sff' ends in -end")]
    [InlineData("chains: [a], default: b", "NFV1701", "'default' of steer 'sff' is 'b', which 'chains' does not list; the chains are: a, direct")]
    [InlineData("chains: [a], classes: [ { dscp: 46 } ]", "NFV0101", "class 1 of steer 'sff' needs 'chain'")]
    [InlineData("chains: [a], classes: [ { chain: a, dst-port: 80 } ]", "NFV0209", "'dst-port' of class 1 of steer 'sff' needs 'protocol: tcp' or 'protocol: udp'")]
    public void A_bad_setting_is_refused_saying_why(string keys, string code, string message)
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new SteerFunctionFactory(), $"sff: {{ kind: steer, {keys} }}");
        Assert.Null(blueprint);
        Assert.Contains(diagnostics.Items, d => d.Code == code && d.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_chain_nothing_sends_traffic_to_is_a_warning()
    {
        var (blueprint, diagnostics) = FunctionConfig.Define(new SteerFunctionFactory(), "sff: { kind: steer, chains: [a] }");
        Assert.NotNull(blueprint);
        Assert.Contains(diagnostics.Items, d => d.Code == "NFV1703");
    }
}
