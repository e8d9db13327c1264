using Nfv.Abstractions.Headers;
using Nfv.Ip.Headers;
using Nfv.Testing;
using static Nfv.Functions.Nat.Tests.IcmpErrorTests;
using static Nfv.Functions.Nat.Tests.NatHarness;

namespace Nfv.Functions.Nat.Tests;

/// <summary>
/// A router and its NAT run as two instances (two workers), sharing nothing: each owns the mappings on its share of the
/// external ports, names the same owner for every packet as the other does, and hands the packets of the other's flows to
/// it unchanged, so that every flow is translated by one instance whichever worker reads it.
/// </summary>
public class InstancePerWorkerTests
{
    private readonly NatHarness[] _instances;

    public InstancePerWorkerTests() : this(new NatOptions())
    {
    }

    private InstancePerWorkerTests(NatOptions options)
    {
        var fragments = new NatFragmentOwners(TimeProvider.System.TimestampFrequency); // the harnesses' fake clocks tick alike
        var sessions = new NatSessionBounds(options.MaxSessions, seed: 1);
        _instances = [.. Enumerable.Range(0, 2).Select(i => new NatHarness(options, instance: i, instanceCount: 2, fragmentOwners: fragments, sessionBounds: sessions))];
    }

    // Sends a frame to instance `first`, and to the instance it was handed to if it was: the frame out, and who sent it.
    private (byte[]? Frame, int Instance) Send(int first, int port, byte[] frame)
    {
        var h = _instances[first];
        var sent = h.Send(port, frame);
        if (h.Emit.HandedOver.Count == 0)
        {
            return (sent, first);
        }
        var handed = Assert.Single(h.Emit.HandedOver);
        Assert.Null(sent);
        Assert.Equal(1 - first, handed.Instance);
        Assert.Equal(port, handed.InputPort);
        Assert.Equal(frame, handed.Frame); // unchanged: routed again from the start there
        var owner = _instances[handed.Instance];
        var again = owner.Send(port, handed.Frame);
        Assert.Empty(owner.Emit.HandedOver); // the owner keeps it
        return (again, handed.Instance);
    }

    private (byte[]? Frame, int Instance) FromInside(int first, string src, string dst, byte protocol, byte[] l4) =>
        Send(first, Lan, NatHarness.Frame(_instances[first].LanMac, MacOf(src), src, dst, protocol, l4));

    private (byte[]? Frame, int Instance) FromOutside(int first, string src, string dst, byte protocol, byte[] l4) =>
        Send(first, Wan, NatHarness.Frame(_instances[first].WanMac, MacOf(src), src, dst, protocol, l4));

    [Fact]
    public void Each_flow_is_translated_by_the_instance_owning_its_port_whichever_reads_it_and_its_answers_reach_the_same()
    {
        var owners = new Dictionary<ushort, int>();
        for (ushort port = 40000; port < 40064; port++)
        {
            int first = port % 2; // either worker reads the flow first
            var (outside, owner) = FromInside(first, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(port, 53));
            Assert.NotNull(outside);
            Assert.Equal(port, SrcPort(outside)); // the port kept: the owner of a port owns it outside too
            Assert.Equal(63, IpPackets.Ttl(outside));
            Assert.True(ChecksumsOk(outside));
            owners[port] = owner;

            // The answer read by the other worker: handed to the owner, translated back.
            var (inside, answeredBy) = FromOutside(1 - owner, R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, port));
            Assert.True(_instances[answeredBy].ReachedInside(inside, H1));
            Assert.Equal(owner, answeredBy);
        }
        Assert.InRange(owners.Values.Count(o => o == 1), 16, 48); // spread over both
        Assert.Equal([64 - owners.Values.Count(o => o == 1), owners.Values.Count(o => o == 1)], _instances.Select(h => h.Nat.SessionCount));
        Assert.All(_instances, h => Assert.All(Enum.GetValues<NatDrop>(), reason => Assert.Equal(0, h.Drops[reason])));
    }

    [Fact]
    public void An_inside_port_taken_by_another_host_gets_another_port_of_the_same_owner_which_its_answers_find()
    {
        for (ushort port = 40000; port < 40016; port++)
        {
            var (first, owner) = FromInside(0, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(port, 53));
            var (second, secondOwner) = FromInside(1 - owner, H2, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(port, 53));
            Assert.Equal(owner, secondOwner);
            Assert.Equal(port, SrcPort(first!));
            ushort other = SrcPort(second!);
            Assert.NotEqual(port, other);

            var (inside, answeredBy) = FromOutside(1 - owner, R1, External, Ipv4Header.ProtocolUdp, IpPackets.Udp(53, other));
            Assert.Equal(owner, answeredBy);
            Assert.True(_instances[owner].ReachedInside(inside, H2));
        }
    }

    [Fact]
    public void A_forwarded_endpoint_belongs_to_the_owner_of_its_external_port_both_ways()
    {
        var options = new NatOptions
        {
            Forwards = [new NatForward { Protocol = Ipv4Header.ProtocolTcp, Port = 8080, To = Ipv4Address.Parse(H1), ToPort = 80 }],
        };
        var test = new InstancePerWorkerTests(options);
        var (inside, owner) = test.FromOutside(0, R1, External, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 50000, 8080, flags: 0x02));
        Assert.True(test._instances[owner].ReachedInside(inside, H1));
        Assert.Equal(80, DstPort(inside!));

        // The server's answer, read by either worker, leaves from 8080 through the same owner, on the same session.
        for (int first = 0; first < 2; first++)
        {
            var (outside, answeredBy) = test.FromInside(first, H1, R1, Ipv4Header.ProtocolTcp, IpPackets.Tcp(0, 80, 50000, flags: 0x12));
            Assert.Equal(owner, answeredBy);
            Assert.Equal(8080, SrcPort(outside!));
        }
        Assert.Equal([owner == 0 ? 1 : 0, owner == 1 ? 1 : 0], test._instances.Select(h => h.Nat.SessionCount));
    }

    [Fact]
    public void Echo_replies_and_icmp_errors_from_outside_reach_the_owner_of_the_mapping_they_answer()
    {
        var (request, owner) = FromInside(0, H1, R1, Ipv4Header.ProtocolIcmp, IpPackets.EchoRequest(ident: 777));
        Assert.Equal(777, IcmpId(request!));
        var (reply, answeredBy) = FromOutside(1 - owner, R1, External, Ipv4Header.ProtocolIcmp, TranslationTests.EchoReply(777));
        Assert.Equal(owner, answeredBy);
        Assert.True(_instances[owner].ReachedInside(reply, H1));

        var (datagram, datagramOwner) = FromInside(0, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(40001, 33434));
        var (error, errorOwner) = FromOutside(1 - datagramOwner, R2, External, Ipv4Header.ProtocolIcmp,
            ErrorAbout(datagram!, IcmpHeader.TypeTimeExceeded, 0, 576));
        Assert.Equal(datagramOwner, errorOwner);
        Assert.True(_instances[errorOwner].ReachedInside(error, H1));
    }

    [Fact]
    public void The_later_fragments_of_a_datagram_follow_its_first_to_the_owner_both_ways()
    {
        // A datagram's fragments are all read by one worker (the kernel steers fragments by their addresses alone), here
        // by the instance that does not own the flow, so every one is handed over: the later ones after their first.
        for (ushort port = 40000; port < 40008; port++)
        {
            ushort id = (ushort)(port - 39000);
            var (first, owner) = Send(0, Lan, Fragment(_instances[0].LanMac, H1Mac, H1, R1, IpPackets.Udp(port, 53, 40)[..24], id, first: true));
            var (later, laterOwner) = Send(0, Lan, Fragment(_instances[0].LanMac, H1Mac, H1, R1, new byte[24], id, first: false));
            Assert.Equal(owner, laterOwner);
            Assert.Equal(External, IpPackets.Src(first!));
            Assert.Equal(External, IpPackets.Src(later!));

            int reader = 1 - owner;
            var (inside, answeredBy) = Send(reader, Wan, Fragment(_instances[0].WanMac, R1Mac, R1, External, IpPackets.Udp(53, port, 40)[..24], id, first: true));
            var (laterInside, laterAnsweredBy) = Send(reader, Wan, Fragment(_instances[0].WanMac, R1Mac, R1, External, new byte[24], id, first: false));
            Assert.Equal([owner, owner], new[] { answeredBy, laterAnsweredBy });
            Assert.True(_instances[owner].ReachedInside(inside, H1));
            Assert.True(_instances[owner].ReachedInside(laterInside, H1));
        }
        Assert.Equal(16, _instances.Sum(h => h.Counters[NatEvent.FragmentsTranslated]));
        Assert.All(_instances, h => Assert.Equal(0, h.Drops[NatDrop.FragmentWithoutFirst]));
    }

    // A UDP fragment: the first (the header and 16 bytes, more to come) or the later one at byte 24.
    private static byte[] Fragment(MacAddress dstMac, MacAddress srcMac, string src, string dst, byte[] payload, ushort id, bool first) =>
        NatHarness.Frame(dstMac, srcMac, src, dst, Ipv4Header.ProtocolUdp, payload, fragmentWord: first ? Ipv4Header.MoreFragments : (ushort)3, id: id,
            checksum: false);

    [Fact]
    public void The_instances_hold_a_hosts_bound_together()
    {
        var test = new InstancePerWorkerTests(new NatOptions { MaxSessions = 64, MaxSessionsPerHost = 4 });
        // H1's flows, their ports owned by either instance: four in all, as with one worker, whichever instance has them.
        var owners = new List<int>();
        for (ushort port = 40000; owners.Count < 5; port++)
        {
            var (outside, owner) = test.FromInside(port % 2, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(port, 53));
            Assert.Equal(owners.Count < 4, outside is not null);
            owners.Add(owner);
        }
        Assert.Equal([0, 1], owners.Take(4).Distinct().Order()); // both instances hold some of them
        Assert.Equal(1, test._instances[owners[4]].Drops[NatDrop.HostLimit]);
    }

    [Fact]
    public void The_instances_hold_max_sessions_together_so_one_instances_flows_may_fill_it_and_an_ended_one_frees_a_place()
    {
        var test = new InstancePerWorkerTests(new NatOptions { MaxSessions = 6, MaxSessionsPerHost = 64 });
        Assert.All(test._instances, h => Assert.Equal(6, h.Nat.TrackedConnections)); // each may hold all of it
        // Flows owned by instance 1 (as a forward's all are): six fit, as they would in a NAT run once; the seventh does not.
        var ports = Enumerable.Range(40000, 1000).Select(p => (ushort)p).Where(p => NatSessionTable.OwnerOfPort(p, 2) == 1).Take(7).ToList();
        var sent = ports.Select(port => test.FromInside(1, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(port, 53)).Frame).ToList();
        Assert.Equal([true, true, true, true, true, true, false], sent.Select(f => f is not null));
        Assert.Equal(1, test._instances[1].Drops[NatDrop.SessionLimit]);
        // None left for instance 0 either: the bound is the NAT's, not each instance's.
        ushort other = Enumerable.Range(41000, 1000).Select(p => (ushort)p).First(p => NatSessionTable.OwnerOfPort(p, 2) == 0);
        Assert.Null(test.FromInside(0, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(other, 53)).Frame);
        Assert.Equal(1, test._instances[0].Drops[NatDrop.SessionLimit]);

        test._instances[1].Advance(TimeSpan.FromMinutes(10)); // instance 1's sessions expire and are swept
        test._instances[1].SweepAll();
        Assert.Equal(0, test._instances[1].Nat.SessionCount);
        Assert.NotNull(test.FromInside(0, H1, R1, Ipv4Header.ProtocolUdp, IpPackets.Udp(other, 53)).Frame);
    }
}
