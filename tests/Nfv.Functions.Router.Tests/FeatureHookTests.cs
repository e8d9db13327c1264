using Nfv.Abstractions;
using Nfv.Abstractions.Headers;
using Nfv.Ip.Features;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Router.Tests.RouterHarness;

namespace Nfv.Functions.Router.Tests;

/// <summary>The L3 feature contract, with a test feature: rewrite, consume and drop on both hooks.</summary>
public class FeatureHookTests
{
    private sealed class TestFeature : IIpv4Feature
    {
        public Func<Packet, Ipv4HookContext, Emitter, Ipv4FeatureVerdict> OnInput = (_, _, _) => Ipv4FeatureVerdict.Continue;
        public Func<Packet, Ipv4HookContext, Emitter, Ipv4FeatureVerdict> OnOutput = (_, _, _) => Ipv4FeatureVerdict.Continue;
        public List<string> Calls { get; } = [];

        public Ipv4FeatureScope Scope { get; init; } = Ipv4FeatureScope.Interface;

        public Ipv4FeatureAttachment? Attachment { get; private set; }

        public string Name => "test";

        public Ipv4FeatureScope Attach(Ipv4FeatureAttachment attachment)
        {
            Attachment = attachment;
            return Scope;
        }

        public List<long> Timestamps { get; } = [];

        public Ipv4FeatureVerdict Input(Packet packet, in Ipv4HookContext context, Emitter emit)
        {
            Calls.Add($"in:{context.Interface}");
            Timestamps.Add(context.Timestamp);
            return OnInput(packet, context, emit);
        }

        public Ipv4FeatureVerdict Output(Packet packet, in Ipv4HookContext context, Emitter emit)
        {
            Calls.Add($"out:{context.Interface}:{context.NextHop}");
            Timestamps.Add(context.Timestamp);
            return OnOutput(packet, context, emit);
        }
    }

    // A NAT-like rewrite of an address with an incremental checksum update.
    private static void Rewrite(Packet packet, int offset, string address)
    {
        var ip = packet.Data[14..];
        var old = Ipv4Address.Read(ip[offset..]);
        var now = Ipv4Address.Parse(address);
        now.Write(ip[offset..]);
        ushort checksum = Ipv4Header.StoredChecksum(ip);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(ip[Ipv4Header.ChecksumOffset..], Checksum.Update(checksum, old.Value, now.Value));
    }

    private static (RouterHarness, TestFeature) WithFeatureOnWan()
    {
        var feature = new TestFeature();
        var h = new RouterHarness(features: [null, [feature]]);
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        return (h, feature);
    }

    [Fact]
    public void Output_hook_sees_forwarded_packets_after_routing_and_may_rewrite_the_source()
    {
        var (h, feature) = WithFeatureOnWan();
        feature.OnOutput = (p, ctx, _) =>
        {
            Rewrite(p, Ipv4Header.SourceOffset, ctx.InterfaceAddress.ToString());
            return Ipv4FeatureVerdict.Continue;
        };
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2), ttl: 9));
        var frame = h.Emit.SentTo(Wan);
        Assert.Equal("192.0.2.1", IpPackets.Src(frame));
        Assert.Equal(8, IpPackets.Ttl(frame));
        Assert.True(IpPackets.IpChecksumOk(frame));
        Assert.Equal(["out:1:192.0.2.20"], feature.Calls);
    }

    [Fact]
    public void Input_hook_runs_before_routing_so_a_rewritten_destination_is_routed_anew()
    {
        var (h, feature) = WithFeatureOnWan();
        feature.OnInput = (p, _, _) =>
        {
            Rewrite(p, Ipv4Header.DestinationOffset, H1);
            return Ipv4FeatureVerdict.Continue;
        };
        // From H2 to the router's wan address, redirected to H1 (a port forward).
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, "192.0.2.1", 17, IpPackets.Udp(1, 80)));
        var frame = h.Emit.SentTo(Lan);
        Assert.Equal(H1, IpPackets.Dst(frame));
        Assert.Equal(H1Mac, EthernetHeader.Destination(frame));
        Assert.Equal(["in:1"], feature.Calls);
    }

    [Fact]
    public void A_feature_may_drop_on_either_hook()
    {
        var (h, feature) = WithFeatureOnWan();
        feature.OnOutput = (_, _, _) => Ipv4FeatureVerdict.Drop;
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.FeatureDrop);

        feature.OnInput = (_, _, _) => Ipv4FeatureVerdict.Drop;
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertDropped(RouterDrop.FeatureDrop);
    }

    [Fact]
    public void A_feature_may_consume_a_packet_and_emit_it_itself()
    {
        var (h, feature) = WithFeatureOnWan();
        feature.OnInput = (p, _, emit) =>
        {
            emit.To(Wan, p); // e.g. a reflector: the router never touches it again
            return Ipv4FeatureVerdict.Consumed;
        };
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(1, 2)));
        h.Emit.AssertSentTo(Wan);
        Assert.Equal(0, h.Counters[RouterEvent.Forwarded]);

        feature.OnInput = (_, _, _) => Ipv4FeatureVerdict.Continue;
        feature.OnOutput = (p, _, emit) =>
        {
            emit.Drop(p, 0);
            return Ipv4FeatureVerdict.Consumed;
        };
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Single(h.Emit.Dropped);
        Assert.Empty(h.Emit.Sent);
    }

    [Fact]
    public void Packets_for_other_interfaces_do_not_pass_the_feature()
    {
        var (h, feature) = WithFeatureOnWan();
        h.Send(Lan, h.FromH1("10.0.0.1", 1, IpPackets.EchoRequest()));
        Assert.Empty(feature.Calls);
    }

    [Fact]
    public void A_feature_is_told_where_it_is_attached()
    {
        var (_, feature) = WithFeatureOnWan();
        var attachment = feature.Attachment!;
        Assert.Equal(("gw", 1, "wan"), (attachment.Router, attachment.Interface, attachment.InterfaceName));
        Assert.Equal([Ipv4Prefix.Parse("192.0.2.1/24")], attachment.Addresses);
        Assert.Equal([Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("192.0.2.1")], attachment.LocalAddresses);
    }

    [Fact]
    public void A_router_scoped_feature_also_sees_input_on_the_other_interfaces_but_output_only_on_its_own()
    {
        var feature = new TestFeature { Scope = Ipv4FeatureScope.Router };
        var h = new RouterHarness(features: [null, [feature]]);
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal(["in:0", "out:1:192.0.2.20"], feature.Calls);
        feature.Calls.Clear();
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(1, 2)));
        Assert.Equal(["in:1"], feature.Calls);
    }

    [Fact]
    public void Both_hooks_carry_the_routers_clock_reading()
    {
        var feature = new TestFeature { Scope = Ipv4FeatureScope.Router };
        var h = new RouterHarness(features: [null, [feature]]);
        h.Teach(Lan, H1Mac, H1);
        h.Teach(Wan, H2Mac, H2);
        h.Time.Advance(TimeSpan.FromSeconds(42));
        h.Send(Lan, h.FromH1(H2, 17, IpPackets.Udp(1, 2)));
        Assert.Equal([h.Time.GetTimestamp(), h.Time.GetTimestamp()], feature.Timestamps);
    }

    [Fact]
    public void An_icmp_error_passes_the_output_features_of_the_interface_it_leaves_by()
    {
        var (h, feature) = WithFeatureOnWan();
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(1, 2), ttl: 1));
        Assert.Equal(["in:1", "out:1:192.0.2.20"], feature.Calls);
        var error = h.Emit.SentTo(Wan);
        Assert.Equal(IcmpHeader.TypeTimeExceeded, IpPackets.L4(error)[0]);

        // A feature may drop it like any packet leaving by its interface.
        feature.OnOutput = (_, _, _) => Ipv4FeatureVerdict.Drop;
        h.Emit.Clear();
        h.Send(Wan, IpPackets.Ip(h.WanMac, H2Mac, H2, H1, 17, IpPackets.Udp(1, 2), ttl: 1));
        Assert.Empty(h.Emit.Sent);
    }
}
