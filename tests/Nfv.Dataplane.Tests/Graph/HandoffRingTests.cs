using Nfv.Abstractions;
using Nfv.Dataplane.Graph;
using Nfv.Dataplane.Tracing;

namespace Nfv.Dataplane.Tests.Graph;

public class HandoffRingTests
{
    private struct Collect(List<(GraphEndpoint To, Packet Packet)> taken) : IHandoffDelivery
    {
        public readonly void Deliver(GraphEndpoint to, Packet packet, PacketTrace? trace) => taken.Add((to, packet));
    }

    [Fact]
    public void The_consumer_sees_only_what_was_published_in_order_and_a_full_ring_refuses_more()
    {
        var pool = new PacketPool(8, 256);
        var ring = new HandoffRing(3); // rounded up to 4
        Assert.Equal(4, ring.Capacity);
        var packets = Enumerable.Range(0, 5).Select(_ => pool.Rent()!).ToArray();
        var taken = new List<(GraphEndpoint, Packet)>();
        var collect = new Collect(taken);

        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryAdd(packets[i], GraphEndpoint.Function(i, 1)));
        }
        Assert.False(ring.TryAdd(packets[4], GraphEndpoint.External(0)));
        Assert.False(ring.HasWaiting); // added, not yet published
        Assert.Equal(0, ring.Take(10, ref collect));

        Assert.True(ring.Publish());
        Assert.False(ring.Publish()); // nothing new
        Assert.Equal(2, ring.Take(2, ref collect));
        Assert.Equal([packets[0], packets[1]], taken.Select(t => t.Item2));
        Assert.Equal(GraphEndpoint.Function(1, 1), taken[1].Item1);

        // Two slots given back: the producer can add two more, and they come after the two left.
        Assert.True(ring.TryAdd(packets[4], GraphEndpoint.External(0)));
        Assert.True(ring.TryAdd(packets[0], GraphEndpoint.External(1)));
        Assert.False(ring.TryAdd(packets[1], GraphEndpoint.External(2)));
        ring.Publish();
        Assert.Equal(4, ring.Count);
        Assert.Equal(4, ring.Take(10, ref collect));
        Assert.Equal([packets[0], packets[1], packets[2], packets[3], packets[4], packets[0]], taken.Select(t => t.Item2));
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public async Task Across_two_threads_every_packet_arrives_once_in_order()
    {
        var pool = new PacketPool(1, 256);
        var packet = pool.Rent()!;
        var ring = new HandoffRing(64);
        const int Total = 2_000_000;
        var producer = Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < Total;)
            {
                // The sequence number rides in the endpoint: the consumer checks it.
                if (ring.TryAdd(packet, GraphEndpoint.Function(i, 0)))
                {
                    i++;
                    if (i % 7 == 0)
                    {
                        ring.Publish();
                    }
                }
                else
                {
                    ring.Publish();
                    Thread.SpinWait(10);
                }
            }
            ring.Publish();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var check = new Sequence();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (check.Next < Total && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            ring.Take(16, ref check);
        }
        await producer;
        Assert.Equal(Total, check.Next);
        Assert.Equal(0, check.OutOfOrder);
    }

    private struct Sequence : IHandoffDelivery
    {
        public int Next;
        public int OutOfOrder;

        public void Deliver(GraphEndpoint to, Packet packet, PacketTrace? trace)
        {
            if (to.Index != Next)
            {
                OutOfOrder++;
            }
            Next++;
        }
    }
}
